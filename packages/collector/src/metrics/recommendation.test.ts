import { describe, expect, it } from "vitest";
import { resolveReportOptions } from "./options.js";
import { recommendRetraining } from "./recommendation.js";
import type { AgeEffectRow, LabelFreeRow, Report } from "./types.js";

const o = resolveReportOptions({ minLabels: 10 });
const version = {
  model: "m",
  version: "v2",
  firstSeen: "2026-11-02T00:00:00.000Z",
  lastSeen: "2026-11-20T00:00:00.000Z",
  predictions: 100,
  shadowPredictions: 0,
  trainedAt: null,
  dataCutoff: null,
  deployedAt: null,
};
const estimate = (windowStart: string, fields: Partial<LabelFreeRow>): LabelFreeRow => ({
  model: "m",
  version: "v2",
  windowStart,
  n: 100,
  estimatedAccuracy: null,
  realizedAccuracy: null,
  labeled: 0,
  labelCoverage: null,
  error: null,
  refused: null,
  ...fields,
});
const sections = (labelFree: LabelFreeRow[]): Parameters<typeof recommendRetraining>[0] =>
  ({
    versions: [version],
    retrain: [],
    ageEffect: [],
    drift: [],
    freshness: [],
    labelFree,
    quality: [],
    ageUnit: "day",
    window: "week",
  }) satisfies Partial<Report>;

describe("the retrain recommendation", () => {
  it("calls for retraining when the label-free estimate falls more than retrainDrop below the first realized accuracy", () => {
    const [rec] = recommendRetraining(
      sections([
        estimate("2026-11-02T00:00:00.000Z", { estimatedAccuracy: 0.9, realizedAccuracy: 0.9, labeled: 100 }),
        estimate("2026-11-16T00:00:00.000Z", { estimatedAccuracy: 0.8, realizedAccuracy: null, labeled: 0 }),
      ]),
      o,
    );
    expect(rec).toEqual({
      model: "m",
      version: "v2",
      action: "retrain now",
      cadence: null,
      cadenceUnit: "day",
      reasons: ["estimate: accuracy estimated at 80.0% without labels, 10.0% below the first window's 90.0%"],
      caveats: [],
    });
  });

  it("says no retrain is needed when no threshold is crossed (a fall within retrainDrop)", () => {
    const [rec] = recommendRetraining(
      sections([
        estimate("2026-11-02T00:00:00.000Z", { estimatedAccuracy: 0.9, realizedAccuracy: 0.9, labeled: 100 }),
        estimate("2026-11-16T00:00:00.000Z", { estimatedAccuracy: 0.86 }),
      ]),
      o,
    );
    expect(rec?.action).toBe("no retrain needed yet");
    expect(rec?.reasons).toEqual([]);
  });

  it("takes the cadence from an age effect measured where versions overlap, not from the drop ages, and recommends a shown version", () => {
    // v1 (shown) and its challenger v2 (trained 15 days later, shadow only) on the same weeks: v2 is 3 points
    // better, 0.2 points a day of age, so 5 points in 25 days. v3 is the version users see now, 20 days old.
    const effect = {
      model: "m",
      older: "v1",
      newer: "v2",
      ageGap: 15,
      n: 2000,
      difference: 0.03,
      perAgeUnit: -0.002,
      perAgeUnitLow: -0.0025,
      perAgeUnitHigh: -0.0015,
      verdict: "the verdict",
    } as AgeEffectRow;
    const at = (day: number) => new Date(Date.UTC(2026, 10, day)).toISOString();
    const row = (v: string, first: number, last: number, trained: number, shadow: number) => ({
      ...version,
      version: v,
      firstSeen: at(first),
      lastSeen: at(last),
      predictions: 100,
      shadowPredictions: shadow,
      trainedAt: at(trained),
    });
    const r = {
      ...sections([]),
      versions: [row("v1", 1, 20, 1, 0), row("v2", 10, 30, 15, 100), row("v3", 21, 29, 9, 0)],
      retrain: [
        {
          model: "m",
          version: "v1",
          firstWindowAccuracy: 0.85,
          firstWindowLabeled: 700,
          dropAge: 17,
          dropAccuracy: 0.79,
        },
      ],
      ageEffect: [effect],
    };
    const [rec] = recommendRetraining(r, o);
    expect(rec).toEqual({
      model: "m",
      version: "v3",
      action: "retrain every 25 d",
      cadence: 25,
      cadenceUnit: "day",
      reasons: [
        "ageing: on the same weeks, v2 (15 d younger) was 3.0 pts more accurate than v1: 0.20 pts lost per day of age, 5.0% in 25 d",
      ],
      caveats: [
        "the drops at age 17 d (v1) do not set the cadence: they include calendar time, the age effect does not",
        "age or calendar time: the verdict",
      ],
    });
    // Five days later v3 is 25 days old at its last prediction: due now.
    const later = { ...r, versions: [...r.versions.slice(0, 2), row("v3", 21, 34, 9, 0)] };
    expect(recommendRetraining(later, o)[0]?.action).toBe("retrain now, then every 25 d");
  });
});
