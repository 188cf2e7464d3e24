/**
 * A real distributed deployment: two ClickHouse 18.16 servers that are the two replicas of the one
 * shard of cluster `inferlog_test`, a ZooKeeper, and several collectors in front, all on loopback
 * (started by scripts/setup/clickhouse-cluster.sh). Unreachable servers fail these tests.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftEvents, routerEvents, W1 } from "../../test/metrics-fixture.js";
import { spawnCli } from "../../test/test-child.js";
import { postBatch, quiet, rawRequest } from "../../test/test-http.js";
import { CLICKHOUSE_URL, prediction } from "../../test/test-support.js";
import { type Collector, createCollector } from "../collector.js";
import { loadCollectorConfig } from "../config-file.js";
import { computeReport } from "../metrics/compute-report.js";
import type { Report } from "../metrics/types.js";
import { alertTables } from "../monitors/alert-tables.js";
import { clusterTable, clusterView, isCreateDatabase, isCreateView } from "./clickhouse-cluster-ddl.js";
import { ClickHouseClient } from "./clickhouse-http.js";
import { clickhouseDdl } from "./clickhouse-schema.js";
import { openClickHouseStore } from "./clickhouse-store.js";
import type { IncomingEvent, Store } from "./types.js";

const REPLICA_URLS = [
  process.env.INFERLOG_CLUSTER_URL_1 ?? "http://127.0.0.1:8124",
  process.env.INFERLOG_CLUSTER_URL_2 ?? "http://127.0.0.1:8125",
] as const;
const CLUSTER_DIR = process.env.INFERLOG_CLUSTER_DIR ?? "/tmp/inferlog-clickhouse-cluster";
const SETUP_SCRIPT = fileURLToPath(new URL("../../../../scripts/setup/clickhouse-cluster.sh", import.meta.url));
const CLUSTER = "inferlog_test";
const DAY = 86_400_000;
/** Every collector stamps this receive time, so the cluster's report can equal the single server's. */
const RECEIVED_MS = W1 + 30 * DAY;
const REPORT = { now: W1 + 20 * DAY, minLabels: 1 } as const;
/** Every table the store creates (the monitors' come on first use). */
const TABLES = clickhouseDdl("db")
  .filter((statement) => !isCreateDatabase(statement) && !isCreateView(statement))
  .map((statement) => clusterTable(statement, "db", CLUSTER).name);
/** The materialized views that feed `followups` (clickhouse-followups.ts), on every host. */
const VIEWS = clickhouseDdl("db")
  .filter(isCreateView)
  .map((statement) => clusterView(statement, CLUSTER).name);
const replicatedEngine = (table: string) =>
  table === "followups" ? "ReplicatedAggregatingMergeTree" : "ReplicatedReplacingMergeTree";

const database = `inferlog_cluster_${process.pid}_${Date.now()}`;
const replicas = REPLICA_URLS.map((url) => new ClickHouseClient({ url, database, timeoutMs: 10_000 }));
const [r1, r2] = replicas as [ClickHouseClient, ClickHouseClient];

const count = async (ch: ClickHouseClient, sql: string): Promise<number> =>
  (await ch.rows<{ n: number }>(`SELECT count() AS n FROM ${sql}`))[0]?.n ?? -1;

/** The second replica's server process, which the tests pause and resume, and kill. */
function replica2Pid(): number {
  const pid = Number(readFileSync(join(CLUSTER_DIR, "ch2", "server.pid"), "utf8").trim());
  const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  if (!command.includes(join(CLUSTER_DIR, "ch2", "config.xml"))) {
    throw new Error(`pid ${pid} in ${CLUSTER_DIR}/ch2/server.pid is not replica 2 (it runs ${command})`);
  }
  return pid;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until a replica has fetched every part the cluster logged for the store's tables (it may be starting up). */
async function caughtUp(ch: ClickHouseClient): Promise<void> {
  await waitFor("the replica to catch up", async () => {
    try {
      for (const table of TABLES) await ch.exec(`SYSTEM SYNC REPLICA ${ch.database}.${table}`);
      return true;
    } catch {
      return false;
    }
  });
}

/** What two reports of the same events must share: everything but when each was made. */
const comparable = ({ generatedAt: _, ...rest }: Report) => rest;

interface Running {
  collector: Collector;
  endpoint: string;
}

async function startCollector(url: string, options: { cluster?: string } = {}): Promise<Running> {
  const store = await openClickHouseStore({ url, database, timeoutMs: 1500, ...options });
  const collector = await createCollector({ store, logger: quiet, now: () => RECEIVED_MS });
  const address = await collector.listen({ port: 0, host: "127.0.0.1" });
  return { collector, endpoint: `${address.url}/v1/events` };
}

describe("a ClickHouse cluster: one shard, two replicas, collectors in front", () => {
  const events: IncomingEvent[] = [...routerEvents(), ...driftEvents()];
  const wire = events.map((e) => e.event);
  const batches = Array.from({ length: Math.ceil(wire.length / 6) }, (_, i) => wire.slice(i * 6, i * 6 + 6));
  let collectors: Running[] = [];
  let single: Store;
  let singleReport: Report;
  const singleDatabase = `${database}_single`;
  const createdWhileAway = `${database}_while_away`;

  beforeAll(async () => {
    for (const [i, url] of REPLICA_URLS.entries()) {
      const [shape] = await new ClickHouseClient({ url, database: "system" })
        .rows<{ hosts: number }>(`SELECT count() AS hosts FROM system.clusters WHERE cluster = '${CLUSTER}'`)
        .catch((e: Error) => {
          throw new Error(
            `Replica ${i + 1} at ${REPLICA_URLS[i]} does not answer (bash scripts/setup/clickhouse-cluster.sh): ${e.message}`,
          );
        });
      expect(shape?.hosts, `replica ${i + 1} knows cluster ${CLUSTER}`).toBe(2);
    }
    // The reference: the same events in one server's database.
    single = await openClickHouseStore({ url: CLICKHOUSE_URL, database: singleDatabase });
    await single.insertBatch(events.map((e) => ({ ...e, receivedMs: RECEIVED_MS })));
    singleReport = await computeReport(single, REPORT);
  });

  afterAll(async () => {
    for (const c of collectors) await c.collector.close({ timeoutMs: 2000 });
    await single?.close();
    await new ClickHouseClient({ url: CLICKHOUSE_URL, database }).exec(`DROP DATABASE IF EXISTS ${singleDatabase}`, {
      database: false,
    });
    for (const db of [database, createdWhileAway]) {
      await r1.exec(`DROP DATABASE IF EXISTS ${db} ON CLUSTER ${CLUSTER}`, { database: false });
    }
  });

  it("creates the replicated tables and a Distributed table beside each on both replicas", async () => {
    collectors = [
      await startCollector(REPLICA_URLS[0], { cluster: CLUSTER }),
      await startCollector(REPLICA_URLS[1], { cluster: CLUSTER }),
      // Opened without the option: the database's layout says it is on the cluster.
      await startCollector(REPLICA_URLS[0]),
    ];
    for (const ch of replicas) {
      const rows = await ch.rows<{ name: string; engine: string }>(
        `SELECT name, engine FROM system.tables WHERE database = '${database}' ORDER BY name`,
      );
      const engines = new Map(rows.map((r) => [r.name, r.engine]));
      for (const table of TABLES) {
        expect(engines.get(table), table).toBe(replicatedEngine(table));
        expect(engines.get(`${table}_distributed`), table).toBe("Distributed");
      }
      for (const view of VIEWS) expect(engines.get(view), view).toBe("MaterializedView");
    }
  });

  it("counts every event once when collectors on both replicas race with a batch and a third resends it", async () => {
    const [onR1, onR2, alsoOnR1] = collectors as [Running, Running, Running];
    for (const batch of batches) {
      const replies = await Promise.all([postBatch(onR1.endpoint, batch), postBatch(onR2.endpoint, batch)]);
      const resent = await postBatch(alsoOnR1.endpoint, batch);
      // How many each collector calls duplicates varies: a replica checks the ids it holds, and an insert
      // identical to the other replica's (same rows, same receive time) is dropped there and arrives
      // only by replication. Whatever the copies, every read below counts each event once.
      for (const r of [...replies, resent]) {
        expect(r.status, r.body).toBe(200);
        expect((r.json() as { accepted: number }).accepted).toBe(batch.length);
      }
    }
    await caughtUp(r2);
    expect(await count(r2, "events FINAL")).toBe(wire.length);
    for (const c of collectors) {
      expect(await c.collector.store.eventIdCounts()).toEqual(new Map(wire.map((e) => [e.id, 1])));
      expect(await c.collector.store.tableCounts()).toEqual(await single.tableCounts());
    }
  });

  it("collapses copies of an event written on different replicas; replicated block dedup alone does not", async () => {
    const block = await r1.rows<Record<string, unknown>>("SELECT * FROM events FINAL ORDER BY id LIMIT 5");
    const ids = block.map((row) => `'${String(row.id)}'`).join(", ");
    const copies = (ch: ClickHouseClient) => count(ch, `events WHERE id IN (${ids})`);
    // Merges would collapse the copies this test counts.
    for (const ch of replicas) await ch.exec(`SYSTEM STOP MERGES ${database}.events`);
    try {
      const before = await copies(r1);
      await r1.insert("events", block);
      expect(await copies(r1)).toBe(before + 5);
      // The same block again: Replicated*MergeTree drops an insert identical to a recent one...
      await r1.insert("events", block);
      expect(await copies(r1)).toBe(before + 5);
      // ...but the same events received a moment later (a collector's retry) differ in received_ms: both stay.
      await r2.insert(
        "events",
        block.map((row) => ({ ...row, received_ms: Number(row.received_ms) + 1 })),
      );
      await waitFor("the copies to replicate", async () => (await copies(r1)) === before + 10);
      // Only ReplacingMergeTree's FINAL counts them once: on each replica, and through the Distributed table.
      for (const ch of replicas) expect(await count(ch, "events FINAL")).toBe(wire.length);
      for (const ch of replicas) expect(await count(ch, "events_distributed FINAL")).toBe(wire.length);
    } finally {
      for (const ch of replicas) await ch.exec(`SYSTEM START MERGES ${database}.events`);
    }
  });

  it("gives the same report on both replicas as a single server given the same events", async () => {
    for (const c of collectors) {
      expect(comparable(await computeReport(c.collector.store, REPORT))).toEqual(comparable(singleReport));
    }
  });

  it("elects one monitor evaluation across collectors on different replicas", async () => {
    const [onR1, onR2] = collectors as [Running, Running];
    const monitors = ["volume", "drift", "coverage"];
    const [won1, won2] = await Promise.all([
      alertTables(onR1.collector.store).claim(monitors, W1, "instance-a", RECEIVED_MS),
      alertTables(onR2.collector.store).claim(monitors, W1, "instance-b", RECEIVED_MS),
    ]);
    // Equal claim times: the smaller instance id wins, and instance-b sees instance-a's claim from the other replica.
    expect([...won1].sort()).toEqual([...monitors].sort());
    expect([...won2]).toEqual([]);
    const engines = await r2.rows<{ engine: string }>(
      `SELECT engine FROM system.tables WHERE database = '${database}' AND name IN ('monitor_claims', 'monitor_claims_distributed') ORDER BY name`,
    );
    expect(engines.map((e) => e.engine)).toEqual(["ReplicatedReplacingMergeTree", "Distributed"]);
  });

  it("keeps ingesting and creating while a replica is away, and catches it up when it comes back", async () => {
    const [onR1, onR2] = collectors as [Running, Running];
    const more = [...routerEvents(), ...driftEvents()].map((e) => e.event).slice(0, 12);
    const eventsIn = async (db: string, timeoutMs?: number) => {
      const store = await openClickHouseStore({
        url: REPLICA_URLS[0],
        database: db,
        cluster: CLUSTER,
        ...(timeoutMs ? { timeoutMs } : {}),
      });
      const { events } = await store.tableCounts();
      await store.close();
      return events;
    };
    const pid = replica2Pid();
    process.kill(pid, "SIGSTOP");
    try {
      // The client's retry against another collector is stored...
      const retried = await postBatch(onR1.endpoint, more);
      expect(retried.json()).toEqual({ accepted: more.length, rejected: [], duplicates: 0 });
      // All at once, so the replica is back before ZooKeeper ends its session (10 s):
      const [[refused, health], restartedEvents, freshEvents] = await Promise.all([
        // ...after the collector in front of the missing replica refused it (its ClickHouse does not answer),
        // and says so on /healthz once that write failed (a ClickHouse answer less than 1 s old counts as up
        // until a write fails: CLICKHOUSE_ANSWER_FRESH_MS);
        postBatch(onR2.endpoint, more).then(
          async (reply) =>
            [reply, await rawRequest(onR2.endpoint.replace("/v1/events", "/healthz"), { method: "GET" })] as const,
        ),
        // a collector (re)starting meanwhile finds its tables on its replica and sends no ON CLUSTER statement;
        eventsIn(database),
        // a database created meanwhile gets its tables here at once, and on the missing replica when it is back; its
        // first ON CLUSTER statement waits 3 s for the missing replica, longer than this connection's 1 s timeout.
        eventsIn(createdWhileAway, 1000),
      ]);
      expect(refused.status).toBe(503);
      expect(health.status).toBe(503);
      expect(restartedEvents).toBe(wire.length + more.length);
      expect(freshEvents).toBe(0);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    const onR2Fresh = new ClickHouseClient({ url: REPLICA_URLS[1], database: "system" });
    await waitFor("replica 2 to create the tables from the queue", async () => {
      const [tables] = await onR2Fresh.rows<{ n: number }>(
        `SELECT count() AS n FROM tables WHERE database = '${createdWhileAway}' AND engine LIKE 'Replicated%MergeTree'`,
      );
      return tables?.n === TABLES.length;
    });
    const total = wire.length + more.length;
    await caughtUp(r2);
    expect(await count(r2, "events FINAL")).toBe(total);
    // The resend through the returned replica finds every event stored.
    const resent = await postBatch(onR2.endpoint, more);
    expect(resent.json()).toEqual({ accepted: more.length, rejected: [], duplicates: more.length });
    await single.insertBatch(more.map((event) => ({ event, receivedMs: RECEIVED_MS })));
    const expected = comparable(await computeReport(single, REPORT));
    expect(comparable(await computeReport(onR2.collector.store, REPORT))).toEqual(expected);
    expect(comparable(await computeReport(onR1.collector.store, REPORT))).toEqual(expected);
  }, 60_000);

  it("loses nothing when a replica is killed, and the restarted replica catches up", async () => {
    const [onR1, onR2] = collectors as [Running, Running];
    const more = [...routerEvents(), ...driftEvents()].map((e) => e.event).slice(0, 12);
    const before = await count(r1, "events FINAL");
    process.kill(replica2Pid(), "SIGKILL");
    await waitFor(
      "replica 2 to be gone",
      async () =>
        !(await r2.exec("SELECT 1").then(
          () => true,
          () => false,
        )),
    );
    const refused = await postBatch(onR2.endpoint, more);
    expect(refused.status).toBe(503);
    const retried = await postBatch(onR1.endpoint, more);
    expect(retried.json()).toEqual({ accepted: more.length, rejected: [], duplicates: 0 });
    // The setup script starts what does not answer: replica 2, on its old data.
    execFileSync("bash", [SETUP_SCRIPT], { stdio: "pipe" });
    await caughtUp(r2);
    expect(await count(r2, "events FINAL")).toBe(before + more.length);
    expect(await onR2.collector.store.eventIdCounts()).toEqual(await onR1.collector.store.eventIdCounts());
    const resent = await postBatch(onR2.endpoint, more);
    expect(resent.json()).toEqual({ accepted: more.length, rejected: [], duplicates: more.length });
    await single.insertBatch(more.map((event) => ({ event, receivedMs: RECEIVED_MS })));
    expect(comparable(await computeReport(onR2.collector.store, REPORT))).toEqual(
      comparable(await computeReport(single, REPORT)),
    );
  }, 60_000);
});

describe("moving a single server's database to the cluster", () => {
  const moved = `${database}_moved`;
  const onR1 = new ClickHouseClient({ url: REPLICA_URLS[0], database: moved });
  const onR2 = new ClickHouseClient({ url: REPLICA_URLS[1], database: moved });
  afterAll(async () => {
    await onR1.exec(`DROP DATABASE IF EXISTS ${moved} ON CLUSTER ${CLUSTER}`, { database: false });
  });

  it("puts replicated tables in place of the single-server ones and copies their rows", async () => {
    const events = routerEvents();
    const before = await openClickHouseStore({ url: REPLICA_URLS[0], database: moved });
    await before.insertBatch(events);
    const counts = await before.tableCounts();
    const report = comparable(await computeReport(before, REPORT));
    await before.close();
    expect(
      (
        await onR1.rows<{ engine: string }>(
          `SELECT engine FROM system.tables WHERE database = '${moved}' AND name = 'events'`,
        )
      )[0]?.engine,
    ).toBe("ReplacingMergeTree");

    const after = await openClickHouseStore({ url: REPLICA_URLS[0], database: moved, cluster: CLUSTER });
    expect(await after.tableCounts()).toEqual(counts);
    // The followups (states kept at ingest) moved with the tables, and their views were made again on the cluster.
    expect(comparable(await computeReport(after, REPORT))).toEqual(report);
    await after.close();
    await caughtUp(onR2);
    const elsewhere = await openClickHouseStore({ url: REPLICA_URLS[1], database: moved });
    expect(await elsewhere.tableCounts()).toEqual(counts);
    expect(comparable(await computeReport(elsewhere, REPORT))).toEqual(report);
    await elsewhere.close();
    for (const ch of [onR1, onR2]) {
      const views = await ch.rows<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = '${moved}' AND engine = 'MaterializedView' ORDER BY name`,
      );
      expect(views.map((view) => view.name)).toEqual([...VIEWS].sort());
    }
    // The single-server tables stay beside them, for whoever wants to check before dropping them.
    expect(await count(onR1, "events_single_node")).toBe(events.length);
    // A move cut short after the replicated table was created: the next start copies again, and the copies collapse.
    await onR1.exec(`RENAME TABLE ${moved}.events_single_node TO ${moved}.events_single_node_copying`, {
      database: false,
    });
    const again = await openClickHouseStore({ url: REPLICA_URLS[0], database: moved, cluster: CLUSTER });
    expect(await again.tableCounts()).toEqual(counts);
    await again.close();
    const names = await onR1.rows<{ name: string; engine: string }>(
      `SELECT name, engine FROM system.tables WHERE database = '${moved}' AND name LIKE 'events%' ORDER BY name`,
    );
    expect(names).toEqual([
      { name: "events", engine: "ReplicatedReplacingMergeTree" },
      { name: "events_distributed", engine: "Distributed" },
      { name: "events_single_node", engine: "ReplacingMergeTree" },
    ]);
  });
});

describe("clusters the collector refuses", () => {
  it("names the clusters the server knows when the one given is not among them", async () => {
    await expect(
      openClickHouseStore({ url: REPLICA_URLS[0], database: `${database}_x`, cluster: "nope" }),
    ).rejects.toThrow(
      /Expected `clickhouseCluster` to name a cluster in the server's remote_servers, got `nope` \(it knows: .*inferlog_test/,
    );
  });

  it("refuses a cluster of two shards: the report's joins read one host", async () => {
    await expect(
      openClickHouseStore({ url: REPLICA_URLS[0], database: `${database}_x`, cluster: `${CLUSTER}_two_shards` }),
    ).rejects.toThrow(/to have one shard .*got 2 shards/);
  });

  it("refuses a name that is no identifier before asking the server", async () => {
    await expect(
      createCollector({ store: `clickhouse://127.0.0.1:1/${database}`, clickhouseCluster: "a b", logger: quiet }),
    ).rejects.toThrow("Expected `clickhouseCluster` to be a cluster name");
    await expect(
      createCollector({ store: "sqlite::memory:", clickhouseCluster: CLUSTER, logger: quiet }),
    ).rejects.toThrow("Expected `clickhouseCluster` to come with a clickhouse:// store spec");
  });
});

describe("inferlog-collector serve with a cluster", () => {
  const viaCli = `${database}_cli`;
  const dir = mkdtempSync(join(tmpdir(), "inferlog-cluster-cli-"));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await r1.exec(`DROP DATABASE IF EXISTS ${viaCli} ON CLUSTER ${CLUSTER}`, { database: false });
  });

  it("takes the cluster from the config file and writes through it", async () => {
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ clickhouse: { cluster: CLUSTER } }));
    const store = `clickhouse://${new URL(REPLICA_URLS[1]).host}/${viaCli}`;
    const child = await spawnCli(["serve", "--port", "0", "--store", store, "--config", config]);
    try {
      const url = /listening on (\S+)/.exec(child.output())?.[1];
      const p = prediction();
      expect((await postBatch(`${url}/v1/events`, [p])).status).toBe(200);
      const onR1 = new ClickHouseClient({ url: REPLICA_URLS[0], database: viaCli });
      expect(
        (
          await onR1.rows<{ engine: string }>(
            "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'events'",
          )
        )[0]?.engine,
      ).toBe("ReplicatedReplacingMergeTree");
      await waitFor("the event to replicate", async () => (await count(onR1, `events WHERE id = '${p.id}'`)) === 1);
    } finally {
      child.proc.kill("SIGTERM");
    }
    expect(await child.exited).toBe(0);
  });

  it("names `clickhouse.cluster` when the config file's is no name", () => {
    const config = join(dir, "bad.json");
    writeFileSync(config, JSON.stringify({ clickhouse: { cluster: 5 } }));
    expect(() => loadCollectorConfig(config)).toThrow("Expected `clickhouse.cluster` to be a cluster name, got `5`");
    writeFileSync(config, JSON.stringify({ clickhouse: { clusterr: CLUSTER } }));
    expect(() => loadCollectorConfig(config)).toThrow("Unknown key `clickhouse.clusterr` (known: cluster)");
  });
});
