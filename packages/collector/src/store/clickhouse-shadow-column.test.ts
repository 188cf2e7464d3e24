import { validateEvent } from "@inferlog/core";
import { afterAll, describe, expect, it } from "vitest";
import { CLICKHOUSE_URL, prediction } from "../../test/test-support.js";
import { ClickHouseClient } from "./clickhouse-http.js";
import { clickhouseAddedColumns, clickhouseDdl } from "./clickhouse-schema.js";
import { openClickHouseStore } from "./clickhouse-store.js";
import type { IncomingEvent } from "./types.js";

const database = `inferlog_test_shadow_${process.pid}_${Date.now()}`;
const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database });
afterAll(() => ch.exec(`DROP DATABASE IF EXISTS ${database}`, { database: false }));

const incoming = (raw: Record<string, unknown>): IncomingEvent => {
  const r = validateEvent("ml.prediction", raw);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { event: r.event, receivedMs: Date.now() };
};

describe("a ClickHouse database made before the shadow column", () => {
  it("gets the column when a store opens it (again and again), its rows shown predictions", async () => {
    // The tables as they were: the predictions table without the columns added since.
    for (const stmt of clickhouseDdl(database)) {
      const old = clickhouseAddedColumns(database).reduce(
        (sql, c) => (sql.includes(`${database}.${c.table} (`) ? sql.replace(/, shadow UInt8 DEFAULT 0/, "") : sql),
        stmt,
      );
      await ch.exec(old, { database: false });
    }
    const columns = () =>
      ch.rows<{ name: string }>(
        `SELECT name FROM system.columns WHERE database = '${database}' AND table = 'predictions' AND name = 'shadow'`,
      );
    expect(await columns()).toEqual([]);
    const before = prediction({ predictionId: "before" });
    await ch.exec(`INSERT INTO ${database}.predictions (event_id, prediction_id, model_name, model_version, time_ms,
      top_ids, samplerate, day) VALUES ('${before.id}', 'before', 'ticket-router', 'v3', 0, [], 1, '2026-11-20')`);

    for (let open = 0; open < 2; open++) {
      const store = await openClickHouseStore({ url: CLICKHOUSE_URL, database });
      const challenger = prediction({ predictionId: "before" });
      challenger.data = { ...challenger.data, model: { name: "ticket-router", version: "v4" }, shadow: true };
      await store.insertBatch([incoming(challenger)]);
      await store.close();
    }
    expect(await columns()).toEqual([{ name: "shadow" }]);
    const rows = await ch.rows<{ model_version: string; shadow: number }>(
      `SELECT model_version, shadow FROM ${database}.predictions FINAL ORDER BY model_version, event_id`,
    );
    expect(rows).toEqual([
      { model_version: "v3", shadow: 0 },
      { model_version: "v4", shadow: 1 },
      { model_version: "v4", shadow: 1 },
    ]);
  });
});
