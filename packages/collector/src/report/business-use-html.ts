import type { BusinessUseRow, Report } from "../metrics/types.js";
import { esc, seriesColor } from "./svg-chart.js";

const W = 720;
const LABEL_W = 200;
const ROW_H = 22;

/**
 * Per model and metric: each version's accepted ranks as their difference to "no suggestion used", a bar
 * from 0 with the Welch 95 % interval as a whisker (whole report). A whisker clear of 0 is a real difference.
 */
export function businessUseCharts(r: Report): string {
  const compared = r.businessByUse.filter((x) => x.windowStart === null && x.differenceToNoSuggestion !== null);
  const groups = new Map<string, BusinessUseRow[]>();
  for (const x of compared) {
    const key = `${x.model}\u0000${x.metric}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  return [...groups.values()]
    .map((rows, g) => {
      const first = rows[0] as BusinessUseRow;
      const bounds = rows.flatMap((x) => [x.ciLow ?? 0, x.ciHigh ?? 0, x.differenceToNoSuggestion ?? 0, 0]);
      const lo = Math.min(...bounds);
      const hi = Math.max(...bounds);
      const span = hi - lo || 1;
      const px = (v: number) => LABEL_W + ((v - lo) / span) * (W - LABEL_W - 200);
      const f = (v: number) => v.toFixed(1);
      const versions = [...new Set(rows.map((x) => x.version))];
      const h = 40 + rows.length * ROW_H + 20;
      const bars = rows.map((x, i) => {
        const y = 34 + i * ROW_H;
        const diff = x.differenceToNoSuggestion as number;
        const color = seriesColor(versions.indexOf(x.version));
        const text = `${diff > 0 ? "+" : ""}${diff.toFixed(1)} [${(x.ciLow as number).toFixed(1)}, ${(x.ciHigh as number).toFixed(1)}]`;
        return `<g class="use-bar" data-version="${esc(x.version)}" data-use="${esc(x.use)}" data-diff="${diff}">
<text x="${LABEL_W - 6}" y="${y + 13}" text-anchor="end">${esc(`${x.version} · ${x.use} (n ${x.n})`)}</text>
<rect x="${f(Math.min(px(0), px(diff)))}" y="${y + 3}" width="${f(Math.abs(px(diff) - px(0)))}" height="${ROW_H - 8}" fill="${color}" opacity="0.8"/>
<line class="ci" x1="${f(px(x.ciLow as number))}" x2="${f(px(x.ciHigh as number))}" y1="${y + 10}" y2="${y + 10}" stroke="#111" stroke-width="1.5"/>
<text x="${f(Math.max(px(x.ciHigh as number), px(0)) + 6)}" y="${y + 13}">${esc(text)}</text></g>`;
      });
      return `<svg id="chart-business-use-${g}" class="chart" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${esc(`${first.metric} by accepted rank`)}">
<text x="8" y="16" class="title">${esc(`${first.model} · ${first.metric}: accepted rank − no suggestion used (Welch 95 %)`)}</text>
<line class="zero" x1="${f(px(0))}" x2="${f(px(0))}" y1="28" y2="${h - 14}" stroke="#6b7280"/>
<text x="${f(px(0))}" y="${h - 2}" text-anchor="middle">0</text>${bars.join("")}</svg>`;
    })
    .join("\n");
}
