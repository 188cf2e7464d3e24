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
  xTick: (value: number) => string;
  yTick: (value: number) => string;
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

export const esc = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#ca8a04"];
const LEGEND_ROW = 18;

/**
 * The colour of series `i`: eight hand-picked ones, then hues a golden angle apart (never the same twice
 * among a chart's series) at a lightness readable on white.
 */
export function seriesColor(index: number): string {
  if (index < COLORS.length) return COLORS[index] as string;
  const hue = ((index - COLORS.length) * 137.508 + 20) % 360;
  return `hsl(${hue.toFixed(1)} 70% ${index % 2 === 0 ? 35 : 45}%)`;
}

export function lineChart(spec: ChartSpec): string {
  // A series without points (a model with no labels yet) has nothing to draw and no place in the legend.
  const config = { ...spec, series: spec.series.filter((sery) => sery.points.length > 0) };
  const pts = config.series.flatMap((sery) => sery.points);
  if (pts.length === 0) return `<p class="empty" id="${esc(config.id)}">${esc(config.title)}: no data yet</p>`;
  const PAD = { l: 52, r: config.legendWidth ?? 230, t: 28, b: 32 };
  const value = config.width ?? 720;
  const legendRows = config.legend === "none" ? 0 : config.series.length;
  const header = Math.max(config.height ?? 260, PAD.t + legendRows * LEGEND_ROW + 8);
  // Markers widen the x range: a version first seen inside the last window lies after its start.
  const xs = [...pts.map((pt) => pt.x), ...(config.markers ?? []).map((match) => match.x)];
  const ys = [...pts.map((pt) => pt.y), ...(config.rules ?? []).map((row) => row.y)];
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const y0 = config.yMin ?? Math.min(0, ...ys);
  const y1 = Math.max(config.yMax ?? 0, ...ys) === y0 ? y0 + 1 : Math.max(config.yMax ?? 0, ...ys);
  const px = (item: number) => PAD.l + ((item - x0) / (x1 - x0)) * (value - PAD.l - PAD.r);
  const py = (value: number) => header - PAD.b - ((value - y0) / (y1 - y0)) * (header - PAD.t - PAD.b);
  const field = (value: number) => value.toFixed(1);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((time) => y0 + time * (y1 - y0));
  const xTicks = [...new Set(pts.map((pt) => pt.x))].sort((left, right) => left - right);
  const step = Math.max(1, Math.ceil(xTicks.length / 8));
  const parts: string[] = [
    `<svg id="${esc(config.id)}" class="chart" viewBox="0 0 ${value} ${header}" width="${value}" height="${header}" role="img" aria-label="${esc(config.title)}">`,
    `<text x="${PAD.l}" y="16" class="title">${esc(config.title)}</text>`,
    ...yTicks.map(
      (time) =>
        `<line x1="${PAD.l}" x2="${value - PAD.r}" y1="${field(py(time))}" y2="${field(py(time))}" class="grid"/><text x="${PAD.l - 6}" y="${field(py(time) + 4)}" text-anchor="end">${esc(config.yTick(time))}</text>`,
    ),
    ...xTicks
      .filter((_, index) => index % step === 0)
      .map(
        (time) =>
          `<text x="${field(px(time))}" y="${header - 12}" text-anchor="middle">${esc(config.xTick(time))}</text>`,
      ),
    ...(config.rules ?? []).map((row, index, rules) => {
      // A rule's label is left out when it would overprint the previous one (rules close on a tall scale).
      const crowded = index > 0 && Math.abs(py(row.y) - py((rules[index - 1] as { y: number }).y)) < 10;
      return `<line x1="${PAD.l}" x2="${value - PAD.r}" y1="${field(py(row.y))}" y2="${field(py(row.y))}" class="rule"/>${crowded ? "" : `<text x="${value - PAD.r + 4}" y="${field(py(row.y) + 4)}" class="rule-label">${esc(row.label)}</text>`}`;
    }),
    ...(config.markers ?? []).map(
      // Labels staggered over three lines, so versions that start together stay readable.
      (match, index) =>
        `<g class="marker"><line x1="${field(px(match.x))}" x2="${field(px(match.x))}" y1="${PAD.t}" y2="${header - PAD.b}"/><text x="${field(px(match.x) + 3)}" y="${PAD.t + 10 + (index % 3) * 11}">${esc(match.label)}</text></g>`,
    ),
  ];
  config.series.forEach((sery, index) => {
    const color = seriesColor(index);
    const dash = sery.dashed ? ' stroke-dasharray="5 4"' : "";
    const sorted = [...sery.points].sort((left, right) => left.x - right.x);
    const day = sorted.map((part) => `${field(px(part.x))},${field(py(part.y))}`).join(" ");
    parts.push(
      `<g class="series" data-series="${esc(sery.name)}"><polyline points="${day}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
      ...sorted.map(
        (part) =>
          `<circle cx="${field(px(part.x))}" cy="${field(py(part.y))}" r="3" fill="${color}" data-x="${part.x}" data-y="${part.y}"><title>${esc(`${sery.name}: ${config.xTick(part.x)} → ${config.yTick(part.y)}`)}</title></circle>`,
      ),
      // The legend shows the line as drawn: its colour and its dash.
      legendRows === 0
        ? "</g>"
        : `<line class="legend-line" x1="${value - PAD.r + 6}" x2="${value - PAD.r + 26}" y1="${PAD.t + index * LEGEND_ROW + 5}" y2="${PAD.t + index * LEGEND_ROW + 5}" stroke="${color}" stroke-width="2"${dash}/><text x="${value - PAD.r + 30}" y="${PAD.t + index * LEGEND_ROW + 9}">${esc(sery.name)}</text></g>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}
