import { describe, expect, it } from "vitest";
import { resolveReportOptions } from "./options.js";
import { recommendRetraining } from "./recommendation.js";
import type { LabelFreeRow, Report } from "./types.js";

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
});
