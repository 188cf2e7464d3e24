import { validateEvent } from "@inferlog/core";
import { afterAll, describe, expect, it } from "vitest";
import { prediction } from "../../test/test-support.js";
import { ensureClusterTables } from "./clickhouse-cluster.js";
import { ClickHouseClient } from "./clickhouse-http.js";
import { clickhouseDdl } from "./clickhouse-schema.js";
import { openClickHouseStore } from "./clickhouse-store.js";
import type { IncomingEvent } from "./types.js";

/**
 * The shadow column on a one-shard cluster of two replicas (scripts/setup/clickhouse-cluster.sh, as for
 * clickhouse-cluster.test.ts): tables made on the cluster before the column get it when a collector opens them.
 */
const REPLICA_URLS = [
  process.env.INFERLOG_CLUSTER_URL_1 ?? "http://127.0.0.1:8124",
  process.env.INFERLOG_CLUSTER_URL_2 ?? "http://127.0.0.1:8125",
] as const;
const CLUSTER = "inferlog_test";
const database = `inferlog_cluster_shadow_${process.pid}_${Date.now()}`;
const [r1, r2] = REPLICA_URLS.map((url) => new ClickHouseClient({ url, database, timeoutMs: 10_000 })) as [
  ClickHouseClient,
  ClickHouseClient,
];
afterAll(() => r1.exec(`DROP DATABASE IF EXISTS ${database} ON CLUSTER ${CLUSTER}`, { database: false }));

const hasShadow = async (ch: ClickHouseClient, table: string): Promise<boolean> =>
  (
    await ch.rows<{ n: number }>(
      `SELECT count() AS n FROM system.columns WHERE database = '${database}' AND table = '${table}' AND name = 'shadow'`,
    )
  )[0]?.n === 1;

const challenger = (): IncomingEvent => {
  const raw = prediction({ predictionId: "r1" });
  raw.data = { ...raw.data, model: { name: "ticket-router", version: "v4" }, shadow: true };
  const r = validateEvent("ml.prediction", raw);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { event: r.event, receivedMs: Date.now() };
};

describe("a cluster's tables made before the shadow column", () => {
  it("get it on the replicated table (both replicas) and on each host's Distributed table as its collector opens", async () => {
    const before = clickhouseDdl(database).map((s) => s.replace(", shadow UInt8 DEFAULT 0", ""));
    await ensureClusterTables(r1, CLUSTER, before);
    for (const ch of [r1, r2]) {
      expect([await hasShadow(ch, "predictions"), await hasShadow(ch, "predictions_distributed")]).toEqual([
        false,
        false,
      ]);
    }

    const first = await openClickHouseStore({ url: REPLICA_URLS[0], database, cluster: CLUSTER });
    await first.insertBatch([challenger()]);
    await first.close();
    expect([await hasShadow(r1, "predictions"), await hasShadow(r1, "predictions_distributed")]).toEqual([true, true]);
    // The replicated ALTER reaches replica 2 through ZooKeeper; its Distributed table waits for its own collector.
    await r2.exec(`SYSTEM SYNC REPLICA ${database}.predictions`);
    expect([await hasShadow(r2, "predictions"), await hasShadow(r2, "predictions_distributed")]).toEqual([true, false]);
    const second = await openClickHouseStore({ url: REPLICA_URLS[1], database, cluster: CLUSTER });
    await second.close();
    expect(await hasShadow(r2, "predictions_distributed")).toBe(true);
    expect(await r2.rows(`SELECT model_version, shadow FROM ${database}.predictions FINAL`)).toEqual([
      { model_version: "v4", shadow: 1 },
    ]);
    expect(await r2.rows(`SELECT model_version, shadow FROM ${database}.predictions_distributed`)).toEqual([
      { model_version: "v4", shadow: 1 },
    ]);
  });
});
