import { describe, expect, it } from "vitest";
import { lineChart, seriesColor } from "./svg-chart.js";

describe("line charts", () => {
  it("gives 40 series 40 different colours (the palette of 8, then hues a golden angle apart)", () => {
    const colours = Array.from({ length: 40 }, (_, i) => seriesColor(i));
    expect(new Set(colours).size).toBe(40);
    expect(colours[0]).toBe("#2563eb");
    expect(colours[8]).toBe("hsl(20.0 70% 35%)");
  });

  it("grows to fit its legend, draws each legend line as its series, and widens the x range to its markers", () => {
    const series = Array.from({ length: 20 }, (_, i) => ({
      name: `s${i}`,
      dashed: i % 2 === 1,
      points: [
        { x: 0, y: i },
        { x: 10, y: i + 1 },
      ],
    }));
    const svg = lineChart({
      id: "c",
      title: "t",
      series,
      xTick: String,
      yTick: String,
      markers: [
        { x: 5, label: "v2" },
        { x: 30, label: "v3" },
      ],
    });
    // 28 px top + 20 legend rows of 18 px + 8 px.
    expect(svg).toContain('height="396"');
    expect(svg.match(/class="legend-line"[^>]*stroke-dasharray="5 4"/g)).toHaveLength(10);
    // x from 0 to 30 over 52..490 px: v2 at 5 is at 125 px, v3 at the right end; the last point (10) at 198 px.
    expect(svg).toContain('<g class="marker"><line x1="125.0" x2="125.0"');
    expect(svg).toContain('<g class="marker"><line x1="490.0" x2="490.0"');
    expect(svg).toContain('cx="198.0"');
  });
});
