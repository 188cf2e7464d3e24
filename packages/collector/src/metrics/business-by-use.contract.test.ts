import { beforeAll, describe, expect, it } from "vitest";
import { eventMaker, STORE_KINDS, useStore } from "../../test/test-support.js";
import { renderReportHtml } from "../report/render-html.js";
import { renderReportText } from "../report/render-text.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { welch } from "./business-by-use.js";
import { computeReport } from "./compute-report.js";
import { studentTQuantile } from "./student-t.js";
import type { Report } from "./types.js";

const W1 = Date.parse("2026-11-16T00:00:00Z");
const W2 = W1 + 7 * 86_400_000;
const MODEL = { name: "biz", version: "v1" };
const ev = eventMaker("bu", "business-by-use-test");

/**
 * Ten tickets in week 1, each with the seconds it took to handle: how its top-3 suggestions were used decides
 * its group. Accepted at rank 1: 100, 120; rank 2: 150, 170; accepted without a position: 130; ignored: 200,
 * 220; shown, nothing taken: 240 (no feedback), 260 (rejected); never shown: 300. One more in week 2 (rank 1, 90).
 */
function events(): IncomingEvent[] {
  const out: IncomingEvent[] = [];
  const ticket = (
    i: number,
    t: number,
    seconds: number,
    use: { shown: boolean; feedback?: { action: string; position?: number } },
  ) => {
    const predictionId = `T${i}`;
    const link = { predictionId, modelName: MODEL.name };
    out.push(
      ev("ml.prediction", t, {
        predictionId,
        model: MODEL,
        task: "ranking",
        output: { label: "a", candidates: ["a", "b", "c"].map((id, r) => ({ id, rank: r + 1 })) },
      }),
    );
    if (use.shown)
      out.push(
        ev("ml.exposure", t + 1000, {
          ...link,
          shown: ["a", "b", "c"].map((id, position) => ({ id, position })),
          surface: "sidebar",
        }),
      );
    if (use.feedback) out.push(ev("ml.feedback", t + 2000, { ...link, kind: "explicit", ...use.feedback }));
    out.push(
      ev("ml.outcome", t + 60_000, { ...link, source: "system", label: "a", metrics: { handleTimeSec: seconds } }),
    );
  };
  const t = W1 + 86_400_000;
  ticket(1, t, 100, { shown: true, feedback: { action: "accepted", position: 0 } });
  ticket(2, t, 120, { shown: true, feedback: { action: "accepted", position: 0 } });
  ticket(3, t, 150, { shown: true, feedback: { action: "accepted", position: 1 } });
  ticket(4, t, 170, { shown: true, feedback: { action: "accepted", position: 1 } });
  ticket(5, t, 130, { shown: true, feedback: { action: "accepted" } });
  ticket(6, t, 200, { shown: true, feedback: { action: "ignored" } });
  ticket(7, t, 220, { shown: true, feedback: { action: "dismissed" } });
  ticket(8, t, 240, { shown: true });
  ticket(9, t, 260, { shown: true, feedback: { action: "rejected" } });
  ticket(10, t, 300, { shown: false });
  ticket(11, W2 + 86_400_000, 90, { shown: true, feedback: { action: "accepted", position: 0 } });
  return out;
}

describe("Welch's interval", () => {
  it("is the difference of means ± t(0.975, Welch–Satterthwaite df) · standard error", () => {
    const sums = (xs: number[]) => ({
      n: xs.length,
      sum: xs.reduce((a, b) => a + b, 0),
      sumSquares: xs.reduce((a, b) => a + b * b, 0),
    });
    // rank 1 (100, 120): mean 110, s² 200; baseline (200, 220, 240, 260): mean 230, s² 2000/3.
    const w = welch(sums([100, 120]), sums([200, 220, 240, 260]));
    const se2 = 200 / 2 + 2000 / 3 / 4;
    const df = (se2 * se2) / ((200 / 2) ** 2 / 1 + (2000 / 3 / 4) ** 2 / 3);
    expect(df).toBeCloseTo(3.6923, 4);
    expect(w?.difference).toBe(-120);
    expect(w?.df).toBeCloseTo(df, 12);
    // scipy.stats.t.ppf(0.975, 3.6923076923076925) = 2.8888...; checked against SciPy in crosscheck.sklearn.test.ts
    const half = studentTQuantile(0.975, df) * Math.sqrt(se2);
    expect(w?.low).toBeCloseTo(-120 - half, 9);
    expect(w?.high).toBeCloseTo(-120 + half, 9);
    expect(welch(sums([100]), sums([200, 220]))).toBeNull(); // one value has no variance
  });
});

describe.each(STORE_KINDS)("business metrics by the rank of the accepted candidate in the %s store", (kind) => {
  let store: Store;
  let report: Report;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    await store.insertBatch(events());
    report = await computeReport(store, { now: W2 + 20 * 86_400_000 });
  }, 60_000);

  it("splits handle time by use in each window, and compares each accepted rank with no suggestion used", () => {
    const week1 = report.businessByUse.filter((r) => r.windowStart === new Date(W1).toISOString());
    expect(week1.map((r) => [r.use, r.n, r.mean])).toEqual([
      ["rank 1", 2, 110],
      ["rank 2", 2, 160],
      ["accepted, position unknown", 1, 130],
      ["ignored", 2, 210],
      ["none accepted", 2, 250],
      ["not shown", 1, 300],
      ["no suggestion used", 4, 230],
    ]);
    expect(week1.every((r) => r.model === "biz" && r.version === "v1" && r.metric === "handleTimeSec")).toBe(true);
    const rank1 = week1[0];
    expect(rank1?.sd).toBeCloseTo(Math.sqrt(200), 12);
    expect(rank1?.differenceToNoSuggestion).toBe(-120);
    const w = welch({ n: 2, sum: 220, sumSquares: 100 ** 2 + 120 ** 2 }, { n: 4, sum: 920, sumSquares: 213_600 });
    expect(rank1?.ciLow).toBeCloseTo(w?.low as number, 9);
    expect(rank1?.ciHigh).toBeCloseTo(w?.high as number, 9);
    expect(rank1?.ciHigh).toBeLessThan(0); // faster, and the interval says so
    // Rank 2 against the same baseline; position unknown (one value) has a mean but no interval.
    expect(week1[1]?.differenceToNoSuggestion).toBe(-70);
    expect(week1[2]).toMatchObject({ differenceToNoSuggestion: null, ciLow: null, sd: null });
    // Groups that are not an accepted rank carry no comparison.
    expect(week1.slice(3).every((r) => r.differenceToNoSuggestion === null)).toBe(true);
  });

  it("adds the windows up for the whole report (windowStart null)", () => {
    const all = report.businessByUse.filter((r) => r.windowStart === null);
    expect(all.map((r) => [r.use, r.n, r.mean])).toEqual([
      ["rank 1", 3, (100 + 120 + 90) / 3],
      ["rank 2", 2, 160],
      ["accepted, position unknown", 1, 130],
      ["ignored", 2, 210],
      ["none accepted", 2, 250],
      ["not shown", 1, 300],
      ["no suggestion used", 4, 230],
    ]);
    // Week 2 has no baseline: its rank 1 row has no comparison.
    const week2 = report.businessByUse.filter((r) => r.windowStart === new Date(W2).toISOString());
    expect(week2).toEqual([
      {
        model: "biz",
        version: "v1",
        metric: "handleTimeSec",
        windowStart: new Date(W2).toISOString(),
        use: "rank 1",
        n: 1,
        mean: 90,
        sd: null,
        differenceToNoSuggestion: null,
        ciLow: null,
        ciHigh: null,
      },
    ]);
  });

  it("prints the whole-report table and draws each accepted rank's difference with its interval", () => {
    const text = renderReportText(report);
    const w = welch({ n: 2, sum: 320, sumSquares: 150 ** 2 + 170 ** 2 }, { n: 4, sum: 920, sumSquares: 213_600 });
    const line = (cells: string) => text.split("\n").find((l) => l.trim().replace(/ +/g, " ") === cells);
    expect(
      line(
        `biz v1 handleTimeSec rank 2 2 160.0 14.1 -70.0 [${(w?.low ?? Number.NaN).toFixed(1)}, ${(w?.high ?? Number.NaN).toFixed(1)}]`,
      ),
    ).toBeDefined();
    expect(line("biz v1 handleTimeSec no suggestion used 4 230.0 25.8 – –")).toBeDefined();
    const html = renderReportHtml(report);
    expect(html).toContain('<svg id="chart-business-use-0"');
    // Whole report: rank 1 (3 values, Δ −230/3) and rank 2 (Δ −70) are drawn; unknown position has no interval.
    expect([...html.matchAll(/data-use="([^"]+)" data-diff="([^"]+)"/g)].map((m) => [m[1], Number(m[2])])).toEqual([
      ["rank 1", 310 / 3 - 230],
      ["rank 2", -70],
    ]);
  });
});
