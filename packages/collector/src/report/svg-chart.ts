/** Inline SVG line charts: no scripts, no network, readable at a glance. */
export interface Series {
  name: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}
export interface ChartSpec {
  id: string;
  title: string;
  series: Series[];
  xTick: (x: number) => string;
  yTick: (y: number) => string;
  /** Horizontal reference lines (drift thresholds). */
  rules?: { y: number; label: string }[];
  /** Vertical markers (a version's first prediction); the x range widens to hold them. */
  markers?: { x: number; label: string }[];
  yMin?: number;
  yMax?: number;
  /** Size in px (default 720 × 260); the height grows to fit the legend. */
  width?: number;
  height?: number;
  /** Room at the right for the legend and the rules' labels (default 230 px). */
  legendWidth?: number;
  /** "none" for a chart whose title names its one series (default "right"). */
  legend?: "right" | "none";
}

export const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#ca8a04"];
const LEGEND_ROW = 18;

/**
 * The colour of series `i`: eight hand-picked ones, then hues a golden angle apart (never the same twice
 * among a chart's series) at a lightness readable on white.
 */
export function seriesColor(i: number): string {
  if (i < COLORS.length) return COLORS[i] as string;
  const hue = ((i - COLORS.length) * 137.508 + 20) % 360;
  return `hsl(${hue.toFixed(1)} 70% ${i % 2 === 0 ? 35 : 45}%)`;
}

export function lineChart(spec: ChartSpec): string {
  // A series without points (a model with no labels yet) has nothing to draw and no place in the legend.
  const c = { ...spec, series: spec.series.filter((s) => s.points.length > 0) };
  const pts = c.series.flatMap((s) => s.points);
  if (pts.length === 0) return `<p class="empty" id="${esc(c.id)}">${esc(c.title)}: no data yet</p>`;
  const PAD = { l: 52, r: c.legendWidth ?? 230, t: 28, b: 32 };
  const W = c.width ?? 720;
  const legendRows = c.legend === "none" ? 0 : c.series.length;
  const H = Math.max(c.height ?? 260, PAD.t + legendRows * LEGEND_ROW + 8);
  // Markers widen the x range: a version first seen inside the last window lies after its start.
  const xs = [...pts.map((p) => p.x), ...(c.markers ?? []).map((m) => m.x)];
  const ys = [...pts.map((p) => p.y), ...(c.rules ?? []).map((r) => r.y)];
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const y0 = c.yMin ?? Math.min(0, ...ys);
  const y1 = Math.max(c.yMax ?? 0, ...ys) === y0 ? y0 + 1 : Math.max(c.yMax ?? 0, ...ys);
  const px = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const py = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const f = (v: number) => v.toFixed(1);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((t) => y0 + t * (y1 - y0));
  const xTicks = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(xTicks.length / 8));
  const parts: string[] = [
    `<svg id="${esc(c.id)}" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(c.title)}">`,
    `<text x="${PAD.l}" y="16" class="title">${esc(c.title)}</text>`,
    ...yTicks.map(
      (t) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${f(py(t))}" y2="${f(py(t))}" class="grid"/><text x="${PAD.l - 6}" y="${f(py(t) + 4)}" text-anchor="end">${esc(c.yTick(t))}</text>`,
    ),
    ...xTicks
      .filter((_, i) => i % step === 0)
      .map((t) => `<text x="${f(px(t))}" y="${H - 12}" text-anchor="middle">${esc(c.xTick(t))}</text>`),
    ...(c.rules ?? []).map((r, i, rules) => {
      // A rule's label is left out when it would overprint the previous one (rules close on a tall scale).
      const crowded = i > 0 && Math.abs(py(r.y) - py((rules[i - 1] as { y: number }).y)) < 10;
      return `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${f(py(r.y))}" y2="${f(py(r.y))}" class="rule"/>${crowded ? "" : `<text x="${W - PAD.r + 4}" y="${f(py(r.y) + 4)}" class="rule-label">${esc(r.label)}</text>`}`;
    }),
    ...(c.markers ?? []).map(
      // Labels staggered over three lines, so versions that start together stay readable.
      (m, j) =>
        `<g class="marker"><line x1="${f(px(m.x))}" x2="${f(px(m.x))}" y1="${PAD.t}" y2="${H - PAD.b}"/><text x="${f(px(m.x) + 3)}" y="${PAD.t + 10 + (j % 3) * 11}">${esc(m.label)}</text></g>`,
    ),
  ];
  c.series.forEach((s, i) => {
    const color = seriesColor(i);
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : "";
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const d = sorted.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(" ");
    parts.push(
      `<g class="series" data-series="${esc(s.name)}"><polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
      ...sorted.map(
        (p) =>
          `<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="3" fill="${color}" data-x="${p.x}" data-y="${p.y}"><title>${esc(`${s.name}: ${c.xTick(p.x)} → ${c.yTick(p.y)}`)}</title></circle>`,
      ),
      // The legend shows the line as drawn: its colour and its dash.
      legendRows === 0
        ? "</g>"
        : `<line class="legend-line" x1="${W - PAD.r + 6}" x2="${W - PAD.r + 26}" y1="${PAD.t + i * LEGEND_ROW + 5}" y2="${PAD.t + i * LEGEND_ROW + 5}" stroke="${color}" stroke-width="2"${dash}/><text x="${W - PAD.r + 30}" y="${PAD.t + i * LEGEND_ROW + 9}">${esc(s.name)}</text></g>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}
