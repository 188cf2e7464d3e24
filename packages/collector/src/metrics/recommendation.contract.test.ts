import { beforeAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { STORE_KINDS, useStore } from "../../test/test-support.js";
import { renderReportText } from "../report/render-text.js";
import type { Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import type { Report } from "./types.js";

const DAY = 86_400_000;

describe.each(STORE_KINDS)("the retrain recommendation in the %s store", (kind) => {
  let store: Store;
  let report: Report;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    await seedMetricsFixture(store);
    // Daily windows, one-day age windows: router's accuracy falls from 0.5 (age 1 d) to 0 (age 3 d).
    report = await computeReport(store, {
      window: "day",
      now: W1 + 20 * DAY,
      minLabels: 1,
      retrainDrop: 0.2,
      ageWindowDays: 1,
    });
  }, 60_000);

  it("states one recommendation per model with the evidence and the caveats", () => {
    const psi = (model: string, feature: string) =>
      report.drift.find((d) => d.model === model && d.feature === feature && d.flag === "major")?.psi.toFixed(2);
    expect(report.recommendations).toEqual([
      {
        model: "drifty",
        version: "v1",
        action: "retrain now",
        cadence: null,
        cadenceUnit: "day",
        reasons: [
          `drift: 2 feature(s) major in the latest window: x (PSI ${psi("drifty", "x")}), plan (PSI ${psi("drifty", "plan")})`,
        ],
        // No scores logged: no label-free rows, so nothing was refused either.
        caveats: [],
      },
      {
        model: "router",
        version: "v1",
        // Its items first appear on day 1, after its training (W1, no dataCutoff logged): stale one day after
        // training, sooner than the drop at age 3 d, so the cadence is 1 d.
        action: "retrain now, then every 1 d",
        cadence: 1,
        cadenceUnit: "day",
        reasons: [
          "ageing: v1 fell more than 20.0% below its first window at age 3 d",
          `drift: 1 feature(s) major in the latest window: label:true (PSI ${psi("router", "label:true")})`,
          "freshness: 100.0% of shown items are newer than the model's data (threshold 20.0%)",
        ],
        caveats: [
          "no label-free estimate: scores are not calibrated: ECE 0.500 > maxEce 0.05",
          "age and calendar time are confounded: one version at a time, so a drop at an age is also a drop in a calendar week (drift in that week may be the cause); run a challenger version beside it to tell them apart",
        ],
      },
    ]);
    const lines = renderReportText(report)
      .split("\n")
      .map((l) => l.trim().replace(/ +/g, " "));
    expect(lines.some((l) => l.startsWith("router v1 retrain now, then every 1 d ageing: v1 fell"))).toBe(true);
  });
});
