/**
 * The candidate arrays' backfill (clickhouse-backfill.ts) on the replicated tables of cluster `inferlog_test`
 * (two ClickHouse 18.16 replicas and a ZooKeeper on loopback, started by scripts/setup/clickhouse-cluster.sh;
 * unreachable servers fail this test).
 */
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURE_REPORT, reportNumbers, seedMetricsFixture } from "../../test/metrics-fixture.js";
import { computeReport } from "../metrics/compute-report.js";
import { ClickHouseClient } from "./clickhouse-http.js";
import { openClickHouseStore } from "./clickhouse-store.js";

const REPLICA_URLS = [
  process.env.INFERLOG_CLUSTER_URL_1 ?? "http://127.0.0.1:8124",
  process.env.INFERLOG_CLUSTER_URL_2 ?? "http://127.0.0.1:8125",
] as const;
const CLUSTER = "inferlog_test";
const database = `inferlog_cluster_backfill_${process.pid}_${Date.now()}`;
const [r1, r2] = REPLICA_URLS.map((url) => new ClickHouseClient({ url, database, timeoutMs: 30_000 })) as [
  ClickHouseClient,
  ClickHouseClient,
];
const open = (url: string) => openClickHouseStore({ url, database, cluster: CLUSTER });
const legacy = async (ch: ClickHouseClient) =>
  (
    await ch.rows<{ n: number }>(
      "SELECT count() AS n FROM predictions FINAL WHERE shadow = 0 AND length(cand_ranks) != length(top_ids)",
    )
  )[0]?.n ?? -1;

afterAll(() =>
  r1.exec(`DROP DATABASE IF EXISTS ${database} ON CLUSTER ${CLUSTER}`, {
    database: false,
    settings: { distributed_ddl_task_timeout: "30" },
  }),
);

describe("prediction rows of an older collector on a cluster", () => {
  it("get their candidate arrays on both replicas when a collector opens the database", async () => {
    const first = await open(REPLICA_URLS[0]);
    let before: unknown;
    try {
      await seedMetricsFixture(first);
      before = reportNumbers(await computeReport(first, FIXTURE_REPORT));
    } finally {
      await first.close();
    }
    // What an older collector wrote: the prediction rows again without the arrays, last, so they win.
    const columns = await r1.rows<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'predictions'
       AND name NOT IN ('cand_ranks', 'cand_ages')`,
    );
    const list = columns.map((column) => column.name).join(", ");
    await r1.exec(`INSERT INTO ${database}.predictions (${list}) SELECT ${list} FROM ${database}.predictions`);
    await r1.exec(`OPTIMIZE TABLE ${database}.predictions FINAL`);
    await r2.exec(`SYSTEM SYNC REPLICA ${database}.predictions`);
    expect(await legacy(r2)).toBeGreaterThan(0);

    // The collector in front of the second replica fills them; the first replica gets the rows by replication.
    const second = await open(REPLICA_URLS[1]);
    try {
      await r1.exec(`SYSTEM SYNC REPLICA ${database}.predictions`);
      expect(await legacy(r1)).toBe(0);
      expect(await legacy(r2)).toBe(0);
      expect(reportNumbers(await computeReport(second, FIXTURE_REPORT))).toEqual(before);
    } finally {
      await second.close();
    }
  });
});
