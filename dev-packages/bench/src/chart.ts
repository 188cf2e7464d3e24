/**
 * A dependency-free SVG bar chart of the goals: one bar per goal, its length the measured
 * figure over the goal's target (1 = exactly at the goal, right of the line = goal met),
 * on a log scale so 0.1x and 10x read alike. System fonts only.
 */
import type { Goal } from "./goals.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function goalsChart(goals: Goal[], title: string): string {
  const rowH = 34;
  const left = 330;
  const width = 1240;
  const plotW = 380;
  const top = 50;
  const height = top + goals.length * rowH + 40;
  const min = 0.01;
  const max = 10;
  const x = (v: number) => left + (plotW * Math.log10(Math.min(max, Math.max(min, v)) / min)) / Math.log10(max / min);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="600">${esc(title)}</text>`,
  ];
  for (const t of [0.01, 0.1, 1, 10]) {
    parts.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${top - 8}" y2="${height - 30}" stroke="${t === 1 ? "#333" : "#ddd"}" stroke-width="${t === 1 ? 1.5 : 1}"/>`,
      `<text x="${x(t)}" y="${height - 14}" text-anchor="middle" fill="#555">${t === 1 ? "goal" : `${t}x`}</text>`,
    );
  }
  goals.forEach((g, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${left - 10}" y="${y + 15}" text-anchor="end">${esc(g.name)}</text>`);
    if (g.attainment === undefined) {
      parts.push(`<text x="${left + 4}" y="${y + 15}" fill="#888">not measured</text>`);
      return;
    }
    const color = g.pass ? "#2e7d32" : "#c62828";
    parts.push(
      `<rect x="${left}" y="${y + 3}" width="${Math.max(1, x(g.attainment) - left)}" height="18" fill="${color}" opacity="0.85"/>`,
      `<text x="${left + plotW + 12}" y="${y + 15}" fill="${color}">${g.pass ? "pass" : "FAIL"}: ${esc(g.measured)} (goal ${esc(g.target)})</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
