import { describe, expect, it } from "vitest";
import { FIXTURE_REPORT, reportNumbers, seedMetricsFixture } from "../../test/metrics-fixture.js";
import {
  prediction,
  type StoreFixture,
  storeFixture,
  T0_MS,
  tableNames,
  useClickHouseStore,
  validEvent,
} from "../../test/test-support.js";
import { computeReport } from "../metrics/compute-report.js";
import { FOLLOWUP_SOURCES, FOLLOWUPS_TABLE, followupsTableDdl, followupsViewName } from "./clickhouse-followups.js";
import { backfillFollowups, FOLLOWUPS_BACKFILL_MARKER } from "./clickhouse-followups-backfill.js";
import type { ClickHouseClient } from "./clickhouse-http.js";
import type { Store } from "./types.js";

describe("followups (per-prediction states kept at ingest) of a database written before them", () => {
  let fx: StoreFixture;
  let store: Store;
  let ch: ClickHouseClient;
  useClickHouseStore("all", (open) => {
    ({ fx, store, ch } = open);
  });
  const tables = () => tableNames(ch);
  const followupRows = async () =>
    (await ch.rows<{ n: number }>(`SELECT count() AS n FROM ${FOLLOWUPS_TABLE}`))[0]?.n ?? 0;
  const dropFollowups = async () => {
    for (const source of FOLLOWUP_SOURCES) await ch.exec(`DROP TABLE IF EXISTS ${followupsViewName(source)}`);
    await ch.exec(`DROP TABLE IF EXISTS ${FOLLOWUPS_TABLE}`);
  };

  it("are made and backfilled when a store opens it, with the same report; a backfill cut short is done again", async () => {
    await seedMetricsFixture(store);
    const before = reportNumbers(await computeReport(store, FIXTURE_REPORT));
    expect(before.quality.some((row) => row.labeled > 0)).toBe(true);
    expect(before.feedback.length).toBeGreaterThan(0);
    expect(await followupRows()).toBeGreaterThan(0);

    // A database of an older collector: no followups table, no views.
    await store.close();
    await dropFollowups();
    store = await fx.open();
    expect(await tables()).toEqual(expect.arrayContaining([FOLLOWUPS_TABLE, followupsViewName("outcomes")]));
    expect(await tables()).not.toContain(FOLLOWUPS_BACKFILL_MARKER);
    expect(reportNumbers(await computeReport(store, FIXTURE_REPORT))).toEqual(before);

    // A start that stopped after making the table, before its backfill: the marker is still there.
    await store.close();
    await dropFollowups();
    await ch.exec(followupsTableDdl(ch.database), { database: false });
    await ch.exec(`CREATE TABLE ${FOLLOWUPS_BACKFILL_MARKER} (at_ms Int64) ENGINE = TinyLog`);
    expect(await followupRows()).toBe(0);
    store = await fx.open();
    expect(await tables()).not.toContain(FOLLOWUPS_BACKFILL_MARKER);
    expect(reportNumbers(await computeReport(store, FIXTURE_REPORT))).toEqual(before);

    // Rows backfilled twice (two collectors starting together) merge to the same states.
    await backfillFollowups(ch);
    expect(reportNumbers(await computeReport(store, FIXTURE_REPORT))).toEqual(before);
  });

  it("keep an outcome with neither label nor relevant ids (18.16 crashed writing such a state with a NULL in it)", async () => {
    const fresh = storeFixture("clickhouse");
    const opened = await fresh.open();
    try {
      const p = prediction({ ttl: 60 });
      const id = p.data.predictionId as string;
      const model = (p.data.model as { name: string }).name;
      await opened.insertBatch([
        { event: p as never, receivedMs: T0_MS },
        validEvent("test-app", "ml.outcome", T0_MS + 60_000, "outcome-without-label", {
          predictionId: id,
          modelName: model,
          source: "system",
          metrics: { handleTimeSec: 30 },
        }),
      ]);
      const report = await computeReport(opened, { now: T0_MS + 3_600_000, minLabels: 1 });
      // The prediction has its outcome (counted as due and arrived) but no label: nothing labeled.
      const [row] = report.quality;
      expect(row?.volume).toBe(1);
      expect(row?.labeled).toBe(0);
      expect(report.business.map((entry) => [entry.metric, entry.n, entry.sum])).toEqual([["handleTimeSec", 1, 30]]);
    } finally {
      await opened.close();
      await fresh.cleanup();
    }
  });
});
