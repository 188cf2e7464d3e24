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
  const h = top + row.bins.length * ROW_H * 2 + 8;
  const max = Math.max(0.01, ...row.bins.flatMap((b) => [b.referenceShare, b.share]));
  // Room at the right for the "10.0% → 67.9%" beside the longer bar.
  const len = (v: number) => ((v / max) * (BAR_W - LABEL_W - 96)).toFixed(1);
  const pc = (v: number) => `${(v * 100).toFixed(1)}%`;
  const bars = row.bins.map((b, i) => {
    const y = top + i * ROW_H * 2;
    return `<g class="bin"><text x="${LABEL_W - 4}" y="${y + 12}" text-anchor="end">${esc(b.bin)}</text>
<rect class="ref" x="${LABEL_W}" y="${y + 1}" width="${len(b.referenceShare)}" height="${ROW_H - 3}"><title>${esc(`${b.bin}: reference ${pc(b.referenceShare)}`)}</title></rect>
<rect class="cur" x="${LABEL_W}" y="${y + ROW_H - 1}" width="${len(b.share)}" height="${ROW_H - 3}"><title>${esc(`${b.bin}: ${day(row.windowStart)} ${pc(b.share)}`)}</title></rect>
<text x="${LABEL_W + Number(len(Math.max(b.referenceShare, b.share))) + 4}" y="${y + 16}">${esc(`${pc(b.referenceShare)} → ${pc(b.share)}`)}</text></g>`;
  });
  return `<svg id="${esc(id)}" class="chart bins" viewBox="0 0 ${BAR_W} ${h}" width="${BAR_W}" height="${h}" role="img" aria-label="${esc(`bin shares of ${row.feature}`)}">
<text x="4" y="14" class="title">Share per bin: reference (grey) vs ${esc(day(row.windowStart))}</text>${bars.join("")}</svg>`;
}

function card(f: FeatureDrift, i: number, markers: { x: number; label: string }[]): string {
  const chart = lineChart({
    id: `chart-drift-${i}`,
    title: `${f.model} · ${f.feature} (PSI)`,
    series: [{ name: "PSI", points: f.rows.map((d) => ({ x: Date.parse(d.windowStart), y: d.psi })) }],
    xTick: (x) => day(new Date(x).toISOString()).slice(5),
    yTick: (y) => y.toFixed(2),
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
  return `<div class="drift-card flag-${f.worst.flag}" data-feature="${esc(`${f.model} ${f.feature}`)}">${chart}${binShares(f.worst, `bins-drift-${i}`)}</div>`;
}

/**
 * Drift as small multiples: each of the most drifted features on its own scale (one large PSI no longer
 * flattens the others) with the reference and current share of each bin, then every feature in one table.
 */
export function driftSection(r: Report, markers: { model: string; x: number; label: string }[]): string {
  const features = featuresByDrift(r);
  if (features.length === 0)
    return `<h2>Drift</h2><p class="empty">No features logged, or no reference window with predictions.</p>`;
  const shown = features.slice(0, MOST_DRIFTED);
  const cards = shown
    .map((f, i) =>
      card(
        f,
        i,
        markers.filter((m) => m.model === f.model),
      ),
    )
    .join("\n");
  const windows = [...new Set(r.drift.map((x) => x.windowStart))].sort();
  const rows = features
    .map((f) => {
      const psiCells = windows.map((w) => {
        const x = f.rows.find((row) => row.windowStart === w);
        return x ? `<td class="flag-${x.flag}">${dec(x.psi)}</td>` : "<td></td>";
      });
      return `<tr class="flag-${f.worst.flag}"><td>${esc(f.model)}</td><td>${esc(f.feature)}</td><td>${f.worst.kind}</td>${psiCells.join("")}<td>${esc(largestShift(f.worst))}</td><td>${f.worst.flag}</td></tr>`;
    })
    .join("");
  const head = [
    "model",
    "feature",
    "kind",
    ...windows.map((w) => day(w).slice(5)),
    "largest shift (reference → worst window)",
    "flag",
  ];
  return `<h2>Drift: the ${shown.length} most drifted of ${features.length} features (PSI against the reference window by ${esc(r.window)}, each on its own scale)</h2>
<div class="charts" id="drift-cards">${cards}</div>
<h2>Drift of every feature, most drifted first: PSI by ${esc(r.window)} (≥ 0.1 moderate, ≥ 0.25 major)</h2>
<table id="table-drift"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>`;
}
