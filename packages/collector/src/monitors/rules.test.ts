import { describe, expect, it } from "vitest";
import type { Report } from "../metrics/types.js";
import { evaluateRules, type MonitorInputs } from "./evaluate-rules.js";
import { DEFAULT_RULES, parseMonitorsConfig, type Rule } from "./rules.js";

const W = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"].map((d) => `${d}T00:00:00.000Z`);
const quality = (version: string, w: number, accuracy: number, labeled = 100, due = 100, dueLabeled = 90) => ({
  model: "router",
  version,
  windowStart: W[w] as string,
  volume: 120,
  estimatedVolume: 120,
  labeled,
  hitAt: [accuracy, accuracy + 0.1, accuracy + 0.15],
  mrr: 0.8,
  ndcg: 0.8,
  accuracy,
  mae: null,
  due,
  dueLabeled,
  labelCoverage: dueLabeled / due,
});
const estimate = (version: string, w: number, estimatedAccuracy: number | null, n = 100) => ({
  model: "router",
  version,
  windowStart: W[w] as string,
  n,
  estimatedAccuracy,
  realizedAccuracy: null,
  labeled: 0,
  labelCoverage: null,
  error: null,
  refused: estimatedAccuracy === null ? "scores are not calibrated: ECE 0.120 > maxEce 0.05" : null,
});
const report = {
  labelFree: [
    estimate("v1", 0, 0.82),
    estimate("v1", 1, 0.8),
    estimate("v1", 2, 0.64),
    estimate("v1", 3, 0.3, 10),
    estimate("v2", 3, null),
  ],
  quality: [
    quality("v1", 0, 0.8),
    quality("v1", 1, 0.78),
    quality("v1", 2, 0.62),
    quality("v1", 3, 0.5, 10, 100, 30),
    quality("v2", 3, 0.85, 50),
  ],
  drift: [
    { model: "router", feature: "length", kind: "numeric", windowStart: W[2], n: 500, psi: 0.31, js: 0.2 },
    { model: "router", feature: "length", kind: "numeric", windowStart: W[3], n: 5, psi: 0.9, js: 0.6 },
    { model: "router", feature: "plan", kind: "categorical", windowStart: W[3], n: 500, psi: 0.15, js: 0.1 },
  ],
  exposureAge: [
    { model: "router", exposureAgeDays: 0, exposureAgeBucketDays: 7, exposed: 400, ignoreRate: 0.1 },
    { model: "router", exposureAgeDays: 7, exposureAgeBucketDays: 7, exposed: 300, ignoreRate: 0.2 },
    { model: "router", exposureAgeDays: 14, exposureAgeBucketDays: 7, exposed: 200, ignoreRate: 0.32 },
  ],
  orphans: [
    {
      model: "router",
      windowStart: W[2],
      outcomes: 90,
      orphanOutcomes: 9,
      feedback: 110,
      orphanFeedback: 1,
      orphanShare: 0.05,
    },
  ],
  business: [
    { model: "router", version: "v1", windowStart: W[0], metric: "saved", n: 100, sum: 10000, mean: 100 },
    { model: "router", version: "v1", windowStart: W[2], metric: "saved", n: 100, sum: 7000, mean: 70 },
  ],
} as unknown as Report;
const inputs: MonitorInputs = {
  nowMs: Date.parse("2026-11-25T00:00:00Z"),
  report: () => report,
  lastSeen: (since) =>
    [
      { source: "desk", lastMs: Date.parse("2026-11-24T23:00:00Z") },
      { source: "web", lastMs: Date.parse("2026-11-24T23:59:00Z") },
    ].filter((s) => s.lastMs >= since),
};
const judge = (rule: Rule) =>
  evaluateRules([rule], inputs).map((o) => [
    o.scopeKey,
    o.verdict,
    o.value === null ? null : Number(o.value.toFixed(4)),
  ]);

describe("rule kinds", () => {
  it("quality_below: the latest window with enough labels, per version; the band between floor and clearAt", () => {
    const rule: Rule = { id: "q", kind: "quality_below", metric: "accuracy", floor: 0.7, clearAt: 0.8 };
    // v1's last window has 10 labels (< 30): its 62% window is judged.
    expect(judge(rule)).toEqual([
      ["model=router version=v1", "bad", 0.62],
      ["model=router version=v2", "good", 0.85],
    ]);
    expect(judge({ ...rule, metric: "hit@2", floor: 0.7 })[0]).toEqual(["model=router version=v1", "between", 0.72]);
    expect(judge({ ...rule, version: "v2" })).toEqual([["model=router version=v2", "good", 0.85]]);
    expect(judge({ ...rule, model: "other" })).toEqual([]);
  });

  it("quality_drop: points below the version's first window", () => {
    expect(judge({ id: "d", kind: "quality_drop", metric: "accuracy", points: 10 })).toEqual([
      ["model=router version=v1", "bad", 18],
      ["model=router version=v2", "good", 0],
    ]);
    expect(judge({ id: "d", kind: "quality_drop", metric: "accuracy", points: 20, clearAt: 5 })[0]?.[1]).toBe(
      "between",
    );
  });

  it("estimated_accuracy_below: the latest window with enough scored predictions; a refused estimate is not evaluable", () => {
    const rule: Rule = { id: "e", kind: "estimated_accuracy_below", floor: 0.7 };
    // v1's last window has 10 scored predictions (< 30): its 64% window is judged; v2's estimate is refused.
    expect(judge(rule)).toEqual([
      ["model=router version=v1", "bad", 0.64],
      ["model=router version=v2", "good", null],
    ]);
    const refused = evaluateRules([rule], inputs)[1];
    expect(refused).toMatchObject({ threshold: null, windowStart: W[3] });
    expect(refused?.summary).toBe(
      "not evaluable: no accuracy estimate (scores are not calibrated: ECE 0.120 > maxEce 0.05)",
    );
    expect(judge({ ...rule, floor: 0.6, clearAt: 0.7 })[0]).toEqual(["model=router version=v1", "between", 0.64]);
    expect(judge({ ...rule, floor: 0.6 })[0]).toEqual(["model=router version=v1", "good", 0.64]);
    expect(judge({ ...rule, version: "v2", floor: 0.99 })).toEqual([["model=router version=v2", "good", null]]);
    expect(judge({ ...rule, minCount: 5 })[0]).toEqual(["model=router version=v1", "bad", 0.3]);
  });

  it("estimated_accuracy_drop: points below the version's first window; a refused estimate is not evaluable", () => {
    const rule: Rule = { id: "ed", kind: "estimated_accuracy_drop", points: 15 };
    expect(judge(rule)).toEqual([
      ["model=router version=v1", "bad", 18],
      ["model=router version=v2", "good", null],
    ]);
    expect(judge({ ...rule, points: 20 })[0]?.[1]).toBe("good");
    expect(judge({ ...rule, points: 20, clearAt: 10 })[0]?.[1]).toBe("between");
    expect(evaluateRules([rule], inputs)[0]?.summary).toBe(
      "estimated accuracy 64.0%, down 18.0 pts from 82.0% in the version's first week (limit 15.0 pts)",
    );
  });

  it("drift_above: per feature, its latest window with enough rows, PSI or JS", () => {
    const rule: Rule = { id: "x", kind: "drift_above", above: 0.25, clearAt: 0.1 };
    expect(judge(rule)).toEqual([
      ["model=router feature=length", "bad", 0.31],
      ["model=router feature=plan", "between", 0.15],
    ]);
    expect(judge({ ...rule, measure: "js", above: 0.15, feature: "plan" })).toEqual([
      ["model=router feature=plan", "good", 0.1],
    ]);
  });

  it("ignore_rate_rise: the latest exposure-age bucket against the first", () => {
    expect(judge({ id: "i", kind: "ignore_rate_rise", points: 15 })).toEqual([["model=router", "bad", 22]]);
    expect(judge({ id: "i", kind: "ignore_rate_rise", points: 25 })).toEqual([["model=router", "good", 22]]);
  });

  it("label_coverage_below: due predictions with an outcome, summed over versions, latest window", () => {
    // The last window: v1 100 due with 30 labeled, v2 100 due with 90: 60%.
    expect(judge({ id: "l", kind: "label_coverage_below", floor: 0.7 })).toEqual([["model=router", "bad", 0.6]]);
    expect(judge({ id: "l", kind: "label_coverage_below", floor: 0.5 })).toEqual([["model=router", "good", 0.6]]);
  });

  it("orphan_share_above: strictly above the share", () => {
    expect(judge({ id: "o", kind: "orphan_share_above", above: 0.05 })).toEqual([["model=router", "good", 0.05]]);
    expect(judge({ id: "o", kind: "orphan_share_above", above: 0.04 })).toEqual([["model=router", "bad", 0.05]]);
  });

  it("no_events: each source seen in the lookback, or a named one (never seen: bad)", () => {
    expect(judge({ id: "n", kind: "no_events", minutes: 30 })).toEqual([
      ["source=desk", "bad", 60],
      ["source=web", "good", 1],
    ]);
    expect(judge({ id: "n", kind: "no_events", minutes: 30, source: "batch-job" })).toEqual([
      ["source=batch-job", "bad", null],
    ]);
    expect(judge({ id: "n", kind: "no_events", minutes: 30, lookbackHours: 0.5 })).toEqual([["source=web", "good", 1]]);
  });

  it("business_off_baseline: relative change of the mean against the first window or a given baseline", () => {
    const rule: Rule = { id: "b", kind: "business_off_baseline", metric: "saved", relative: 0.2 };
    expect(judge(rule)).toEqual([["model=router version=v1 metric=saved", "bad", -0.3]]);
    expect(judge({ ...rule, direction: "above" })[0]?.[1]).toBe("good");
    expect(judge({ ...rule, baseline: 80 })).toEqual([["model=router version=v1 metric=saved", "good", -0.125]]);
  });
});

describe("what is judged", () => {
  const rule: Rule = { id: "q", kind: "quality_below", metric: "accuracy", floor: 0.7 };
  it("skips a version that did not serve in its model's latest window (retired, not failing)", () => {
    const replaced = {
      ...report,
      quality: report.quality.filter((q) => !(q.version === "v1" && q.windowStart === W[3])),
    };
    const judged = evaluateRules([rule], { ...inputs, report: () => replaced as Report });
    expect(judged.map((o) => o.scopeKey)).toEqual(["model=router version=v2"]);
  });
  it("skips windows more than three windows old", () => {
    const later = { ...inputs, nowMs: Date.parse("2026-12-21T00:00:00Z") };
    expect(evaluateRules([rule, { id: "d", kind: "drift_above", above: 0.2 }], later)).toEqual([]);
  });
});

describe("monitors config", () => {
  it("ships the documented defaults, enabled, when the section is absent", () => {
    const config = parseMonitorsConfig(undefined);
    expect(config).toMatchObject({ intervalSeconds: 300, fireAfter: 2, resolveAfter: 2, defaults: true });
    expect(config.rules.map((r) => r.id)).toEqual([
      "accuracy-drop",
      "feature-drift",
      "ignore-rate-rise",
      "label-coverage",
      "orphan-share",
      "source-silent",
    ]);
    expect(config.rules).toEqual(DEFAULT_RULES);
  });

  it("takes rules instead of the defaults, or besides them with defaults: true (same id replaces)", () => {
    const own = { id: "label-coverage", kind: "label_coverage_below", floor: 0.8 };
    expect(parseMonitorsConfig({ rules: [own] }).rules).toEqual([own]);
    const both = parseMonitorsConfig({ defaults: true, rules: [own] }).rules;
    expect(both).toHaveLength(6);
    expect(both.find((r) => r.id === "label-coverage")).toEqual(own);
  });

  it("names the field of every mistake", () => {
    const bad = (monitors: unknown) => () => parseMonitorsConfig(monitors);
    expect(bad({ intervalSeconds: 5 })).toThrow(
      "Invalid monitors config: `monitors.intervalSeconds` is too small: minimum 10, got 5",
    );
    expect(bad({ rules: [{ id: "a", kind: "accuracy" }] })).toThrow(
      'Invalid monitors config: expected `monitors.rules[0].kind` to be one of quality_below, quality_drop, estimated_accuracy_below, estimated_accuracy_drop, drift_above, ignore_rate_rise, label_coverage_below, orphan_share_above, no_events, business_off_baseline, got `"accuracy"`',
    );
    expect(bad({ rules: [{ id: "a", kind: "quality_below", metric: "hit@30", floor: 0.5 }] })).toThrow(
      'Invalid monitors config: `monitors.rules[0].metric` must be "accuracy", "mrr", "ndcg" or "hit@k" with k from 1 to 20',
    );
    expect(bad({ rules: [{ id: "a", kind: "no_events" }] })).toThrow(
      "Invalid monitors config: Expected `monitors.rules[0].minutes` to be number, got nothing",
    );
    expect(bad({ rules: [{ id: "a", kind: "no_events", minutes: 5, flor: 1 }] })).toThrow(
      "Invalid monitors config: `monitors.rules[0]` has an unknown field `flor`",
    );
    expect(bad({ rules: [{ id: "has space", kind: "no_events", minutes: 5 }] })).toThrow(
      "Invalid monitors config: `monitors.rules[0].id` must be 1-100 letters, digits, _ . : -",
    );
    const twice = { id: "a", kind: "no_events", minutes: 5 };
    expect(bad({ rules: [twice, twice] })).toThrow(
      "Invalid monitors config: `monitors.rules[1].id` repeats the id `a`",
    );
  });
});
