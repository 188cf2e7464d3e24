import { describe, expect, it } from "vitest";
import { FIXTURE_REPORT, reportNumbers, seedMetricsFixture } from "../../test/metrics-fixture.js";
import { type StoreFixture, useClickHouseStore } from "../../test/test-support.js";
import { computeReport } from "../metrics/compute-report.js";
import type { ClickHouseClient } from "./clickhouse-http.js";
import type { Store } from "./types.js";

describe("prediction rows written before their candidate arrays (cand_ranks, cand_ages)", () => {
  let fx: StoreFixture;
  let store: Store;
  let ch: ClickHouseClient;
  useClickHouseStore("all", (open) => {
    ({ fx, store, ch } = open);
  });
  const legacy = async (final: "FINAL" | "") => {
    const [row] = await ch.rows<{ n: number }>(
      `SELECT count() AS n FROM predictions ${final} WHERE shadow = 0 AND length(cand_ranks) != length(top_ids)`,
    );
    return row?.n ?? 0;
  };

  it("are filled from the candidate rows when a store opens the database, and the report is the same", async () => {
    await seedMetricsFixture(store);
    const before = reportNumbers(await computeReport(store, FIXTURE_REPORT));
    expect(before.itemAge.length).toBeGreaterThan(0);
    expect(before.freshness.length).toBeGreaterThan(0);
    expect(before.newItems.length).toBeGreaterThan(0);

    // What an older collector wrote: the same prediction rows without the arrays (written last, so they win).
    const columns = await ch.rows<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'predictions'
       AND name NOT IN ('cand_ranks', 'cand_ages')`,
    );
    const list = columns.map((column) => column.name).join(", ");
    await ch.exec(`INSERT INTO ${ch.database}.predictions (${list}) SELECT ${list} FROM ${ch.database}.predictions`);
    await ch.exec(`OPTIMIZE TABLE ${ch.database}.predictions FINAL`);
    expect(await legacy("FINAL")).toBeGreaterThan(0);
    // Without their arrays the report has no shown candidates: the arrays are what it reads.
    const stale = reportNumbers(await computeReport(store, FIXTURE_REPORT));
    expect(stale.itemAge).toEqual([]);
    expect(stale.freshness).toEqual([]);

    const reopened = await fx.open();
    try {
      expect(await legacy("FINAL")).toBe(0);
      // The old rows are merged away: the next open finds nothing to fill.
      expect(await legacy("")).toBe(0);
      expect(reportNumbers(await computeReport(reopened, FIXTURE_REPORT))).toEqual(before);
    } finally {
      await reopened.close();
    }
  });
});
