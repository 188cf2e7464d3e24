import type { BusinessUseRow, Report } from "../metrics/types.js";
import { esc, seriesColor } from "./svg-chart.js";

const width = 720;
const LABEL_W = 200;
const ROW_H = 22;

/**
 * Per model and metric: each version's accepted ranks as their difference to "no suggestion used", a bar
 * from 0 with the Welch 95 % interval as a whisker (whole report). A whisker clear of 0 is a real difference.
 */
export function businessUseCharts(report: Report): string {
  const compared = report.businessByUse.filter(
    (row) => row.windowStart === null && row.differenceToNoSuggestion !== null,
  );
  const groups = new Map<string, BusinessUseRow[]>();
  for (const row of compared) {
    const key = `${row.model}\u0000${row.metric}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()]
    .map((rows, index) => {
      const first = rows[0] as BusinessUseRow;
      const bounds = rows.flatMap((row) => [row.ciLow ?? 0, row.ciHigh ?? 0, row.differenceToNoSuggestion ?? 0, 0]);
      const lo = Math.min(...bounds);
      const hi = Math.max(...bounds);
      const span = hi - lo || 1;
      const px = (value: number) => LABEL_W + ((value - lo) / span) * (width - LABEL_W - 200);
      const field = (value: number) => value.toFixed(1);
      const versions = [...new Set(rows.map((row) => row.version))];
      const high = 40 + rows.length * ROW_H + 20;
      const bars = rows.map((row, index) => {
        const value = 34 + index * ROW_H;
        const diff = row.differenceToNoSuggestion as number;
        const color = seriesColor(versions.indexOf(row.version));
        const text = `${diff > 0 ? "+" : ""}${diff.toFixed(1)} [${(row.ciLow as number).toFixed(1)}, ${(row.ciHigh as number).toFixed(1)}]`;
        return `<g class="use-bar" data-version="${esc(row.version)}" data-use="${esc(row.use)}" data-diff="${diff}">
<text x="${LABEL_W - 6}" y="${value + 13}" text-anchor="end">${esc(`${row.version} · ${row.use} (n ${row.n})`)}</text>
<rect x="${field(Math.min(px(0), px(diff)))}" y="${value + 3}" width="${field(Math.abs(px(diff) - px(0)))}" height="${ROW_H - 8}" fill="${color}" opacity="0.8"/>
<line class="ci" x1="${field(px(row.ciLow as number))}" x2="${field(px(row.ciHigh as number))}" y1="${value + 10}" y2="${value + 10}" stroke="#111" stroke-width="1.5"/>
<text x="${field(Math.max(px(row.ciHigh as number), px(0)) + 6)}" y="${value + 13}">${esc(text)}</text></g>`;
      });
      return `<svg id="chart-business-use-${index}" class="chart" viewBox="0 0 ${width} ${high}" width="${width}" height="${high}" role="img" aria-label="${esc(`${first.metric} by accepted rank`)}">
<text x="8" y="16" class="title">${esc(`${first.model} · ${first.metric}: accepted rank − no suggestion used (Welch 95 %)`)}</text>
<line class="zero" x1="${field(px(0))}" x2="${field(px(0))}" y1="28" y2="${high - 14}" stroke="#6b7280"/>
<text x="${field(px(0))}" y="${high - 2}" text-anchor="middle">0</text>${bars.join("")}</svg>`;
    })
    .join("\n");
}
