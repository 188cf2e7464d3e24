import { describe, expect, it } from "vitest";
import { driftEvents, FIXTURE_REPORT, reportNumbers, routerEvents } from "../../test/metrics-fixture.js";
import { type StoreFixture, tableNames, useClickHouseStore } from "../../test/test-support.js";
import { computeReport } from "../metrics/compute-report.js";
import {
  backfillFeatureNames,
  FEATURE_NAMES_BACKFILL_MARKER,
  FEATURE_NAMES_TABLE,
  FEATURE_NAMES_VIEW,
  featureNamesTableDdl,
} from "./clickhouse-feature-names.js";
import type { ClickHouseClient } from "./clickhouse-http.js";
import type { Store } from "./types.js";

describe("feature names kept at ingest (clickhouse-feature-names.ts)", () => {
  let fx: StoreFixture;
  let store: Store;
  let ch: ClickHouseClient;
  useClickHouseStore("all", (open) => {
    ({ fx, store, ch } = open);
  });
  const tables = () => tableNames(ch);
  const kept = async () =>
    (
      await ch.rows<{ model_name: string; name: string }>(
        `SELECT DISTINCT model_name, name FROM ${FEATURE_NAMES_TABLE} ORDER BY model_name, name`,
      )
    ).map((row) => `${row.model_name}/${row.name}`);
  const dropNames = async () => {
    await ch.exec(`DROP TABLE IF EXISTS ${FEATURE_NAMES_VIEW}`);
    await ch.exec(`DROP TABLE IF EXISTS ${FEATURE_NAMES_TABLE}`);
  };

  it("holds every model's feature names as they are written, once each however often a batch is sent", async () => {
    await store.insertBatch(routerEvents());
    expect(await kept()).toEqual([]);
    const drift = driftEvents();
    await store.insertBatch(drift);
    await store.insertBatch(drift);
    expect(await kept()).toEqual(["drifty/plan", "drifty/x"]);
    // The report's drift tasks come from these names.
    const report = await computeReport(store, FIXTURE_REPORT);
    const drifty = new Set(report.drift.filter((row) => row.model === "drifty").map((row) => row.feature));
    expect([...drifty].filter((feature) => feature === "x" || feature === "plan").sort()).toEqual(["plan", "x"]);
  });

  it("are made and backfilled when a store opens a database written before them; a backfill cut short is done again", async () => {
    const before = reportNumbers(await computeReport(store, FIXTURE_REPORT));
    expect(before.drift.some((row) => row.feature === "x")).toBe(true);

    // A database of an older collector: no table, no view.
    await store.close();
    await dropNames();
    store = await fx.open();
    expect(await tables()).toEqual(expect.arrayContaining([FEATURE_NAMES_TABLE, FEATURE_NAMES_VIEW]));
    expect(await tables()).not.toContain(FEATURE_NAMES_BACKFILL_MARKER);
    expect(await kept()).toEqual(["drifty/plan", "drifty/x"]);
    expect(reportNumbers(await computeReport(store, FIXTURE_REPORT))).toEqual(before);

    // A start that stopped after making the table, before its backfill: the marker is still there.
    await store.close();
    await dropNames();
    await ch.exec(featureNamesTableDdl(ch.database), { database: false });
    await ch.exec(`CREATE TABLE ${FEATURE_NAMES_BACKFILL_MARKER} (at_ms Int64) ENGINE = TinyLog`);
    expect(await kept()).toEqual([]);
    store = await fx.open();
    expect(await tables()).not.toContain(FEATURE_NAMES_BACKFILL_MARKER);
    expect(reportNumbers(await computeReport(store, FIXTURE_REPORT))).toEqual(before);

    // Names backfilled twice (two collectors starting together) change nothing.
    await backfillFeatureNames(ch);
    expect(await kept()).toEqual(["drifty/plan", "drifty/x"]);
    expect(reportNumbers(await computeReport(store, FIXTURE_REPORT))).toEqual(before);
  });
});
