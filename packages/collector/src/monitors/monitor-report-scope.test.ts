import { beforeAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { useStore } from "../../test/test-support.js";
import type { ReadRows } from "../store/bound-params.js";
import type { Store } from "../store/types.js";
import { createMonitorRunner } from "./monitor-runner.js";
import { parseMonitorsConfig } from "./rules.js";

const DAY = 86_400_000;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * What a monitor's report reads on ClickHouse (both of its sessions): only the sections its rules judge, and drift's
 * rows from three windows before now besides each model's reference. The numbers are the contract tests'; this
 * keeps the savings (docs/monitors.md) from being lost without a test failing.
 */
describe("the report a monitor computes (ClickHouse)", () => {
  let store: Store;
  const statements: string[] = [];
  const recorded =
    (read: ReadRows): ReadRows =>
    (sql, params) => {
      statements.push(sql);
      return read(sql, params);
    };
  useStore("clickhouse", "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    await seedMetricsFixture(store);
    const readSession = store.readSession?.bind(store);
    if (readSession) store.readSession = () => recorded(readSession());
  });

  const evaluate = async (rules: unknown[], nowMs: number) => {
    statements.length = 0;
    const runner = createMonitorRunner({
      store,
      config: parseMonitorsConfig({ fireAfter: 1, defaults: false, rules }),
      logger: quiet,
      now: () => nowMs,
      claimSettleMs: 0,
    });
    await runner.evaluate();
    return statements.join("\n");
  };

  it("reads no business, item or calibration relation for drift and coverage rules, and drift only where judged", async () => {
    // Five weeks after the fixture's first Monday: fresh windows start two weeks after it (three weekly windows back).
    const now = W1 + 35 * DAY;
    const sql = await evaluate(
      [
        { id: "drift", kind: "drift_above", above: 0.25, minCount: 1 },
        { id: "coverage", kind: "label_coverage_below", floor: 0.5, minCount: 1 },
      ],
      now,
    );
    expect(sql).toContain("inferlog_report_scored");
    expect(sql).toContain("inferlog_report_drift");
    for (const relation of [
      "outcome_metrics",
      "inferlog_report_business",
      "inferlog_report_shown",
      "inferlog_report_exposed",
    ]) {
      expect(sql, relation).not.toContain(relation);
    }
    // The drift rows: the fresh windows, and the reference (the fixture's first week) on its own.
    expect(sql).toContain(
      `(time_ms >= ${W1} AND time_ms < ${W1 + 7 * DAY}) OR (time_ms >= ${W1 + 14 * DAY} AND time_ms < ${now})`,
    );
  });

  it("reads the business rows when a rule judges them", async () => {
    const sql = await evaluate(
      [{ id: "saved", kind: "business_off_baseline", metric: "handleTimeSavedSec", relative: 0.2, minCount: 1 }],
      W1 + 20 * DAY,
    );
    expect(sql).toContain("outcome_metrics");
    expect(sql).not.toContain("inferlog_report_drift");
  });
});
