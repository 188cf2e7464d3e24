import { seededRandom } from "@inferlog/test-support/seeded-random";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventMaker, STORE_KINDS, type StoreFixture, storeFixture } from "../../test/test-support.js";
import { renderReportHtml } from "../report/render-html.js";
import { renderReportText } from "../report/render-text.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import type { Report } from "./types.js";

const DAY = 86_400_000;
const W1 = Date.parse("2026-11-16T00:00:00Z");
const W2 = W1 + 7 * DAY;
const at = (ms: number) => new Date(ms).toISOString();
const ev = eventMaker("lf", "label-free-test");

/** What the test knows of each window of the calibrated model: its scores, and right/wrong of the labeled ones. */
interface Truth {
  scores: number[];
  labeledRight: number;
  labeled: number;
}

/**
 * "calibrated": 1,000 predictions a week whose top score is the chance they are right (scores 0.50-0.99);
 * every label arrives in week 1, one in ten in week 2 (late labels). "overconfident": scores 0.95, right half the
 * time. "unlabeled": scores and no labels at all.
 */
function generate(): { events: IncomingEvent[]; truth: Truth[] } {
  const r = seededRandom(21);
  const events: IncomingEvent[] = [];
  const truth: Truth[] = [];
  const pred = (model: string, id: string, t: number, score: number) =>
    events.push(
      ev("ml.prediction", t, {
        predictionId: id,
        model: { name: model, version: "v1" },
        task: "multiclass",
        output: { label: "a", score },
      }),
    );
  const label = (model: string, id: string, t: number, right: boolean) =>
    events.push(
      ev("ml.outcome", t + 60_000, { predictionId: id, modelName: model, source: "human", label: right ? "a" : "b" }),
    );
  for (const [w, start, share] of [
    [0, W1, 1],
    [1, W2, 0.1],
  ] as const) {
    const window: Truth = { scores: [], labeledRight: 0, labeled: 0 };
    for (let i = 0; i < 1000; i++) {
      const id = `c${w}-${i}`;
      const t = start + i * 60_000;
      const score = Math.round((0.5 + r() * 0.49) * 100) / 100;
      const right = r() < score;
      pred("calibrated", id, t, score);
      window.scores.push(score);
      if (r() < share) {
        label("calibrated", id, t, right);
        window.labeled++;
        if (right) window.labeledRight++;
      }
    }
    truth.push(window);
  }
  for (let i = 0; i < 100; i++) {
    pred("overconfident", `o${i}`, W1 + i * 60_000, 0.95);
    label("overconfident", `o${i}`, W1 + i * 60_000, i % 2 === 0);
    pred("unlabeled", `u${i}`, W1 + i * 60_000, 0.8);
  }
  return { events, truth };
}

describe.each(STORE_KINDS)("label-free accuracy estimate (CBPE) in the %s store", (kind) => {
  let fx: StoreFixture;
  let store: Store;
  let report: Report;
  let truth: Truth[];
  beforeAll(async () => {
    const generated = generate();
    truth = generated.truth;
    fx = storeFixture(kind);
    store = await fx.open();
    for (let i = 0; i < generated.events.length; i += 1000)
      await store.insertBatch(generated.events.slice(i, i + 1000));
    report = await computeReport(store, { now: W2 + 30 * DAY });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await fx?.cleanup();
  });

  it("estimates each window's accuracy as the mean top score, beside the realized accuracy and coverage", () => {
    const rows = report.labelFree.filter((x) => x.model === "calibrated");
    expect(rows.map((x) => x.windowStart)).toEqual([at(W1), at(W2)]);
    for (const [i, row] of rows.entries()) {
      const t = truth[i] as Truth;
      const mean = t.scores.reduce((a, b) => a + b, 0) / t.scores.length;
      expect(row.n).toBe(1000);
      expect(row.estimatedAccuracy).toBeCloseTo(mean, 12);
      expect(row.labeled).toBe(t.labeled);
      expect(row.realizedAccuracy).toBeCloseTo(t.labeledRight / t.labeled, 12);
      expect(row.labelCoverage).toBeCloseTo(t.labeled / 1000, 12);
      expect(row.refused).toBeNull();
      // The error, where labels arrived: within 3 standard errors of the realized accuracy, √(Σ s(1 − s)) / n.
      const bound =
        (3 * Math.sqrt(t.scores.reduce((a, p) => a + p * (1 - p), 0) / t.scores.length)) / Math.sqrt(t.labeled);
      expect(Math.abs(row.error as number)).toBeLessThan(bound);
      expect(row.error).toBeCloseTo((row.estimatedAccuracy as number) - (row.realizedAccuracy as number), 12);
    }
    expect(truth[0]?.labeled).toBe(1000);
    expect(truth[1]?.labeled).toBeLessThan(150); // week 2: the estimate stands in for the missing labels
  });

  it("refuses where the scores are not calibrated, or cannot be checked, and says why", () => {
    const over = report.labelFree.find((x) => x.model === "overconfident");
    expect(over).toMatchObject({ estimatedAccuracy: null, realizedAccuracy: 0.5, error: null });
    expect(over?.refused).toBe("scores are not calibrated: ECE 0.450 > maxEce 0.05");
    const none = report.labelFree.find((x) => x.model === "unlabeled");
    expect(none?.estimatedAccuracy).toBeNull();
    expect(none?.refused).toBe("too few labeled predictions with a score to check calibration (0 < minLabels 30)");
  });

  it("prints the estimate and the refusals, and draws estimate and realized accuracy", () => {
    const lines = renderReportText(report)
      .split("\n")
      .map((l) => l.trim().replace(/ +/g, " "));
    const week2 = report.labelFree.find((x) => x.model === "calibrated" && x.windowStart === at(W2));
    expect(lines).toContain(
      `calibrated v1 2026-11-23 1000 ${((week2?.estimatedAccuracy as number) * 100).toFixed(1)}% ${((week2?.realizedAccuracy as number) * 100).toFixed(1)}% ${week2?.labeled} ${((week2?.labelCoverage as number) * 100).toFixed(1)}% ${(week2?.error as number) >= 0 ? "+" : ""}${((week2?.error as number) * 100).toFixed(1)} pts`,
    );
    expect(lines).toContain(
      "overconfident v1 2026-11-16 100 refused: scores are not calibrated: ECE 0.450 > maxEce 0.05",
    );
    expect(renderReportHtml(report)).toContain('<g class="series" data-series="calibrated v1 estimate">');
  });
});
