import type { DriftRow, Report } from "../metrics/types.js";
import { type FeatureDrift, featuresByDrift, largestShift, MOST_DRIFTED } from "./drift-view.js";
import { day, dec } from "./format.js";
import { esc, lineChart } from "./svg-chart.js";

const BAR_W = 360;
const LABEL_W = 130;
const ROW_H = 15;

/** Reference share (grey) over the window's share (coloured) per bin: which way the distribution moved. */
function binShares(row: DriftRow, id: string): string {
  const top = 30;
  const high = top + row.bins.length * ROW_H * 2 + 8;
  const max = Math.max(0.01, ...row.bins.flatMap((bin) => [bin.referenceShare, bin.share]));
  // Room at the right for the "10.0% → 67.9%" beside the longer bar.
  const len = (value: number) => ((value / max) * (BAR_W - LABEL_W - 96)).toFixed(1);
  const pc = (value: number) => `${(value * 100).toFixed(1)}%`;
  const bars = row.bins.map((driftBinShare, index) => {
    const value = top + index * ROW_H * 2;
    return `<g class="bin"><text x="${LABEL_W - 4}" y="${value + 12}" text-anchor="end">${esc(driftBinShare.bin)}</text>
<rect class="ref" x="${LABEL_W}" y="${value + 1}" width="${len(driftBinShare.referenceShare)}" height="${ROW_H - 3}"><title>${esc(`${driftBinShare.bin}: reference ${pc(driftBinShare.referenceShare)}`)}</title></rect>
<rect class="cur" x="${LABEL_W}" y="${value + ROW_H - 1}" width="${len(driftBinShare.share)}" height="${ROW_H - 3}"><title>${esc(`${driftBinShare.bin}: ${day(row.windowStart)} ${pc(driftBinShare.share)}`)}</title></rect>
<text x="${LABEL_W + Number(len(Math.max(driftBinShare.referenceShare, driftBinShare.share))) + 4}" y="${value + 16}">${esc(`${pc(driftBinShare.referenceShare)} → ${pc(driftBinShare.share)}`)}</text></g>`;
  });
  return `<svg id="${esc(id)}" class="chart bins" viewBox="0 0 ${BAR_W} ${high}" width="${BAR_W}" height="${high}" role="img" aria-label="${esc(`bin shares of ${row.feature}`)}">
<text x="4" y="14" class="title">Share per bin: reference (grey) vs ${esc(day(row.windowStart))}</text>${bars.join("")}</svg>`;
}

function card(featureDrift: FeatureDrift, index: number, markers: { x: number; label: string }[]): string {
  const chart = lineChart({
    id: `chart-drift-${index}`,
    title: `${featureDrift.model} · ${featureDrift.feature} (PSI)`,
    series: [{ name: "PSI", points: featureDrift.rows.map((row) => ({ x: Date.parse(row.windowStart), y: row.psi })) }],
    xTick: (value) => day(new Date(value).toISOString()).slice(5),
    yTick: (value) => value.toFixed(2),
    rules: [
      { y: 0.1, label: "0.1" },
      { y: 0.25, label: "0.25" },
    ],
    markers,
    width: BAR_W,
    height: 170,
    legendWidth: 40,
    legend: "none",
  });
  return `<div class="drift-card flag-${featureDrift.worst.flag}" data-feature="${esc(`${featureDrift.model} ${featureDrift.feature}`)}">${chart}${binShares(featureDrift.worst, `bins-drift-${index}`)}</div>`;
}

/**
 * Drift as small multiples: each of the most drifted features on its own scale (one large PSI no longer
 * flattens the others) with the reference and current share of each bin, then every feature in one table.
 */
export function driftSection(report: Report, markers: { model: string; x: number; label: string }[]): string {
  const features = featuresByDrift(report);
  if (features.length === 0)
    return `<h2>Drift</h2><p class="empty">No features logged, or no reference window with predictions.</p>`;
  const shown = features.slice(0, MOST_DRIFTED);
  const cards = shown
    .map((featureDrift, index) =>
      card(
        featureDrift,
        index,
        markers.filter((marker) => marker.model === featureDrift.model),
      ),
    )
    .join("\n");
  const windows = [...new Set(report.drift.map((row) => row.windowStart))].sort();
  const rows = features
    .map((featureDrift) => {
      const psiCells = windows.map((window) => {
        const driftRow = featureDrift.rows.find((row) => row.windowStart === window);
        return driftRow ? `<td class="flag-${driftRow.flag}">${dec(driftRow.psi)}</td>` : "<td></td>";
      });
      return `<tr class="flag-${featureDrift.worst.flag}"><td>${esc(featureDrift.model)}</td><td>${esc(featureDrift.feature)}</td><td>${featureDrift.worst.kind}</td>${psiCells.join("")}<td>${esc(largestShift(featureDrift.worst))}</td><td>${featureDrift.worst.flag}</td></tr>`;
    })
    .join("");
  const head = [
    "model",
    "feature",
    "kind",
    ...windows.map((window) => day(window).slice(5)),
    "largest shift (reference → worst window)",
    "flag",
  ];
  return `<h2>Drift: the ${shown.length} most drifted of ${features.length} features (PSI against the reference window by ${esc(report.window)}, each on its own scale)</h2>
<div class="charts" id="drift-cards">${cards}</div>
<h2>Drift of every feature, most drifted first: PSI by ${esc(report.window)} (≥ 0.1 moderate, ≥ 0.25 major)</h2>
<table id="table-drift"><thead><tr>${head.map((hex) => `<th>${esc(hex)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>`;
}
