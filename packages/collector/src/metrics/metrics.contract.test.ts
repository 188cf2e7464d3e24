import { beforeAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1, W2 } from "../../test/metrics-fixture.js";
import { STORE_KINDS, useStore } from "../../test/test-support.js";
import type { Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import type { Report } from "./types.js";

const DAY = 86_400_000;
const D = (r: number) => 1 / Math.log2(r + 1);
const w1 = new Date(W1).toISOString();
const w2 = new Date(W2).toISOString();

// The same hand-computed expectations for both stores: the definitions are one, the SQL two.
describe.each(STORE_KINDS)("metrics in the %s store", (kind) => {
  let store: Store;
  let report: Report;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    await seedMetricsFixture(store);
    report = await computeReport(store, { now: W1 + 20 * DAY, minLabels: 1 });
  });

  it("hit@k, MRR, NDCG@k, accuracy, volume and label coverage per window", () => {
    const [r, ...rest] = report.quality.filter((q) => q.model === "router");
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ version: "v1", windowStart: w1, volume: 5, estimatedVolume: 5, labeled: 4 });
    expect(r?.hitAt).toEqual([0.25, 0.5, 0.75]);
    expect(r?.mrr).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 0) / 4, 12);
    // P1: 1/1; P2: D(2)/1; P3: D(3) over the ideal D(1) + D(2) (two relevant ids); P4: 0.
    expect(r?.ndcg).toBeCloseTo((1 + D(2) + D(3) / (D(1) + D(2)) + 0) / 4, 12);
    expect(r?.accuracy).toBe(0.25);
    expect(r?.mae).toBeNull();
    expect(r).toMatchObject({ due: 5, dueLabeled: 4, labelCoverage: 0.8 });
  });

  it("calibration of the top score (10 bins, ECE)", () => {
    const c = report.calibration.find((x) => x.model === "router");
    expect(c?.n).toBe(4);
    expect(c?.bins.map((b) => [b.bin, b.n, b.accuracy])).toEqual([
      [5, 1, 0],
      [6, 1, 0],
      [8, 1, 0],
      [9, 1, 1],
    ]);
    expect(c?.ece).toBeCloseTo((0.5 + 0.6 + 0.8 + 0.1) / 4, 12);
  });

  it("accuracy by model age, sliding windows and the retrain signal", () => {
    const ages = report.modelAge.filter((a) => a.model === "router");
    expect([report.ageUnit, report.ageWindow]).toEqual(["day", 7]);
    expect(ages.map((a) => [a.age, a.labeled, a.correct, a.accuracy, a.slidingAccuracy])).toEqual([
      [1, 2, 1, 0.5, 0.5],
      [3, 2, 0, 0, 0.25],
    ]);
    expect(report.retrain.find((x) => x.model === "router")).toEqual({
      model: "router",
      version: "v1",
      firstWindowAccuracy: 0.25,
      firstWindowLabeled: 4,
      dropAge: null,
      dropAccuracy: null,
    });
  });

  it("accept, ignore and reject rates by window and by exposure age", () => {
    expect(report.feedback.filter((f) => f.model === "router")).toEqual([
      {
        model: "router",
        version: "v1",
        windowStart: w1,
        exposed: 4,
        acceptRate: 0.25,
        ignoreRate: 0.5,
        rejectRate: 0.25,
      },
    ]);
    // Weekly report: one bucket of exposure ages 0-6 days.
    expect(report.exposureAge.filter((f) => f.model === "router")).toEqual([
      {
        model: "router",
        exposureAgeDays: 0,
        exposureAgeBucketDays: 7,
        exposed: 3,
        acceptRate: 1 / 3,
        ignoreRate: 2 / 3,
        rejectRate: 1 / 3,
      },
    ]);
  });

  it("business metrics from the latest outcome revision, item age of shown items, label latency", () => {
    expect(report.business).toEqual([
      { model: "router", version: "v1", windowStart: w1, metric: "handleTimeSavedSec", n: 3, sum: 60, mean: 20 },
    ]);
    expect(report.itemAge).toEqual([
      { model: "router", version: "v1", windowStart: w1, n: 4, meanSeconds: 30, p50Seconds: 40, p90Seconds: 50 },
    ]);
    // First outcome after 1, 2, 3 (P3's revision 0) and 4 days: p50 is the value at floor(0.5 · 4) = 2.
    expect(report.labelLatency.filter((l) => l.model === "router")).toEqual([
      { model: "router", version: "v1", n: 4, p50Seconds: 3 * 86_400, p90Seconds: 4 * 86_400, p99Seconds: 4 * 86_400 },
    ]);
  });

  it("each version's first and last prediction and its training time (the charts' deploy markers)", () => {
    const at = (ms: number) => new Date(ms).toISOString();
    expect(report.versions).toEqual([
      {
        model: "drifty",
        version: "v1",
        firstSeen: at(W1 + DAY),
        lastSeen: at(W2 + DAY + 9000),
        predictions: 20,
        shadowPredictions: 0,
        trainedAt: null,
        dataCutoff: null,
        deployedAt: null,
      },
      {
        model: "router",
        version: "v1",
        firstSeen: at(W1 + DAY),
        lastSeen: at(W1 + 3 * DAY),
        predictions: 5,
        shadowPredictions: 0,
        trainedAt: w1,
        dataCutoff: null,
        deployedAt: null,
      },
    ]);
  });

  it("drift per feature and of the predicted label: PSI on reference deciles, JS distance, flags", () => {
    const rows = report.drift.filter((x) => x.model === "drifty");
    const get = (f: string, w: string) => rows.find((x) => x.feature === f && x.windowStart === w);
    expect(report.reference).toBeNull(); // no explicit reference: each model uses its first week
    expect(new Set(rows.map((x) => x.referenceStart))).toEqual(new Set([w1]));
    expect(get("x", w1)).toMatchObject({ kind: "numeric", n: 10, referenceN: 10, psi: 0, js: 0, flag: "none" });
    // Reference deciles of 1..10 by linear interpolation (virtual index 9q, NumPy's default) are 1.9, 2.8, ..., 9.1:
    // bins {1}, {2}, ..., {10} hold .1 each. Week 2 (five 1s, five 11s): .5 in the first bin, .5 in the last;
    // empty shares count as 1e-4.
    const e = 1e-4;
    const psiX = 2 * 0.4 * Math.log(0.5 / 0.1) + 8 * (e - 0.1) * Math.log(e / 0.1);
    const jsX = Math.sqrt(
      0.5 * (2 * 0.1 * Math.log2(0.1 / 0.3) + 8 * 0.1 * Math.log2(0.1 / 0.05)) + 0.5 * (2 * 0.5 * Math.log2(0.5 / 0.3)),
    );
    const x2 = get("x", w2);
    expect(x2).toMatchObject({ kind: "numeric", n: 10, referenceN: 10, flag: "major" });
    expect(x2?.psi).toBeCloseTo(psiX, 12);
    expect(x2?.js).toBeCloseTo(jsX, 12);
    // The direction: reference and week-2 shares per bin, low to high.
    expect(x2?.bins.map((b) => b.bin)).toEqual([
      "≤ 1.9",
      "(1.9, 2.8]",
      "(2.8, 3.7]",
      "(3.7, 4.6]",
      "(4.6, 5.5]",
      "(5.5, 6.4]",
      "(6.4, 7.3]",
      "(7.3, 8.2]",
      "(8.2, 9.1]",
      "> 9.1",
    ]);
    expect(x2?.bins.map((b) => [b.referenceShare, b.share])).toEqual([
      [0.1, 0.5],
      ...Array.from({ length: 8 }, () => [0.1, 0]),
      [0.1, 0.5],
    ]);
    // plan (absent keys are no rows): reference pro .75, free .25; week 2 pro .25, free .25, (other) .5.
    const psiPlan = -0.5 * Math.log(0.25 / 0.75) + (0.5 - e) * Math.log(0.5 / e);
    const jsPlan = Math.sqrt(
      0.5 * (0.75 * Math.log2(0.75 / 0.5)) + 0.5 * (0.25 * Math.log2(0.25 / 0.5) + 0.5 * Math.log2(0.5 / 0.25)),
    );
    const p2 = get("plan", w2);
    expect(p2).toMatchObject({ kind: "categorical", n: 4, referenceN: 4, flag: "major" });
    expect(p2?.psi).toBeCloseTo(psiPlan, 12);
    expect(p2?.js).toBeCloseTo(jsPlan, 12);
    expect(p2?.bins).toEqual([
      { bin: "pro", referenceShare: 0.75, share: 0.25 },
      { bin: "free", referenceShare: 0.25, share: 0.25 },
      { bin: "(other)", referenceShare: 0, share: 0.5 },
    ]);
    expect(get("label:predicted", w2)).toMatchObject({ kind: "categorical", psi: 0, js: 0, flag: "none" });
    expect(rows.filter((x) => x.feature === "label:true")).toEqual([]);
  });

  it("filters by model and window; flags the retrain point when accuracy drops", async () => {
    const r = await computeReport(store, {
      model: "router",
      window: "day",
      k: 1,
      now: W1 + 20 * DAY,
      minLabels: 1,
      retrainDrop: 0.2,
      ageWindowDays: 1,
    });
    expect(r.quality.map((q) => [q.windowStart, q.volume, q.hitAt])).toEqual([
      [new Date(W1 + DAY).toISOString(), 2, [0.5]],
      [new Date(W1 + 3 * DAY).toISOString(), 3, [0]],
    ]);
    expect(new Set(r.drift.map((d) => d.model))).toEqual(new Set(["router"]));
    expect(r.exposureAge).toEqual([
      {
        model: "router",
        exposureAgeDays: 0,
        exposureAgeBucketDays: 1,
        exposed: 2,
        acceptRate: 0.5,
        ignoreRate: 0.5,
        rejectRate: 0,
      },
      {
        model: "router",
        exposureAgeDays: 2,
        exposureAgeBucketDays: 1,
        exposed: 1,
        acceptRate: 0,
        ignoreRate: 1,
        rejectRate: 1,
      },
    ]);
    // One-day windows: the first "week" is age day 1 (0.5); day 3 (0.0) is more than 0.2 below it.
    expect(r.retrain).toEqual([
      { model: "router", version: "v1", firstWindowAccuracy: 0.5, firstWindowLabeled: 2, dropAge: 3, dropAccuracy: 0 },
    ]);
  });

  it("counts model age in hours in an hourly report, with sliding windows of ageWindowHours", async () => {
    const r = await computeReport(store, {
      model: "router",
      window: "hour",
      now: W1 + 20 * DAY,
      minLabels: 1,
      retrainDrop: 0.2,
    });
    expect([r.ageUnit, r.ageWindow]).toEqual(["hour", 24]);
    // P1, P2 at 24 h after training (1 of 2 right), P3-P5 at 72 h (0 of 2 labeled right); 24 h windows hold one each.
    expect(r.modelAge.map((a) => [a.age, a.labeled, a.correct, a.slidingAccuracy, a.slidingLabeled])).toEqual([
      [24, 2, 1, 0.5, 2],
      [72, 2, 0, 0, 2],
    ]);
    expect(r.retrain).toEqual([
      { model: "router", version: "v1", firstWindowAccuracy: 0.5, firstWindowLabeled: 2, dropAge: 72, dropAccuracy: 0 },
    ]);
    // A 49-hour window reaches back from 72 h to 24 h: no drop against the first window, which it includes.
    const wide = await computeReport(store, {
      model: "router",
      window: "hour",
      now: W1 + 20 * DAY,
      minLabels: 1,
      retrainDrop: 0.2,
      ageWindowHours: 49,
    });
    expect(wide.modelAge.map((a) => [a.age, a.slidingAccuracy])).toEqual([
      [24, 0.5],
      [72, 0.25],
    ]);
    expect(wide.retrain[0]?.dropAge).toBeNull();
  });
});
