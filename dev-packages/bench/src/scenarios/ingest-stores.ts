/**
 * The collector's ingest through HTTP into SQLite and ClickHouse, next to loading the same events
 * straight into each store (the ceiling). The traffic is the issue's: two models, predictions with
 * top-3 candidates and 10 features, exposures 80%, feedback 50%, outcomes 70%, in gzip batches of
 * 100 events (the SDK default) over CONCURRENCY keep-alive connections (several app instances).
 * The collector runs in its own process (src/ingest-collector-child.ts), so its CPU per event is
 * its own `process.cpuUsage()` over the timed window.
 * `pnpm --filter @inferlog/bench run bench -- ingest-stores`
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { isCreateDatabase } from "../../../../packages/collector/src/store/clickhouse-cluster-ddl.js";
import { ClickHouseClient } from "../../../../packages/collector/src/store/clickhouse-http.js";
import { clickhouseDdl } from "../../../../packages/collector/src/store/clickhouse-schema.js";
import {
  clickhouseTableBodies,
  insertTableBody,
  readTableFormats,
  type TableBody,
} from "../../../../packages/collector/src/store/clickhouse-table-binary.js";
import { toRows } from "../../../../packages/collector/src/store/rows.js";
import { SQLITE_DDL } from "../../../../packages/collector/src/store/sqlite-schema.js";
import { SQLITE_GROUP_COMMIT } from "../../../../packages/collector/src/store/sqlite-store.js";
import { prepareRowWriter } from "../../../../packages/collector/src/store/sqlite-writer.js";
import { clickhouseServerCpu } from "../clickhouse-server-process.js";
import { batches, ingestEvents } from "../ingest-events.js";
import { emit, median, quantile, type Row } from "../measure.js";
import { postBatch } from "../post-batch.js";

const Database = createRequire(new URL("../../../../packages/collector/package.json", import.meta.url))(
  "better-sqlite3",
);
const CLICKHOUSE_URL = process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
const BATCH = 100;
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 16);
const EVENTS = { sqlite: 20_000, clickhouse: 50_000 };
const RUNS = Number(process.env.BENCH_INGEST_RUNS ?? 3);
/** Events per ClickHouse insert in the ceiling: one large part per table, as a group commit at full load. */
const CLICKHOUSE_DIRECT_GROUP = 10_000;
/**
 * The largest group a collector that acknowledges after the insert can form from this traffic: every connection's
 * one batch in flight. Loaded straight into ClickHouse in groups of this size, the same events show what
 * ClickHouse itself costs per event at the group size the HTTP route can reach (the target's bound on this machine).
 */
const CLICKHOUSE_IN_FLIGHT_GROUP = CONCURRENCY * BATCH;
/**
 * BENCH_INGEST_PERF=<file>: Linux `perf record -g` samples the collector's CPU time (all threads, kernel
 * included) over the first timed throughput window, into <file>; `perf script -i <file> | tsx
 * src/perf-breakdown.ts` or `perf report -i <file> --no-children` shows where it went.
 */
const PERF_FILE = process.env.BENCH_INGEST_PERF;
/** Events in the one large request during which `/healthz` is timed. */
const HEALTH_EVENTS = 10_000;
const here = new URL(".", import.meta.url).pathname;

type Events = Record<string, unknown>[];

interface HttpRun {
  eventsPerSecond: number;
  cpuMicrosPerEvent: number;
  /** This process's CPU (the load generator: pre-encoded batches replayed over HTTP) per event. */
  loadCpuMicrosPerEvent: number;
  /** The ClickHouse server process's CPU per event over the window (undefined: not on this host). */
  serverCpuMicrosPerEvent?: number;
}

/** The next IPC message from the child that has `key`. */
const message = <T>(child: ChildProcess, key: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (m && typeof m === "object" && key in m) {
        child.off("message", onMessage);
        resolve((m as Record<string, T>)[key] as T);
      }
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`the collector exited with ${code}`)));
  });

interface RunningCollector {
  child: ChildProcess;
  port: number;
  /** User + system CPU of the collector process so far (µs). */
  cpu(): Promise<number>;
  /** The longest the collector's event loop was held since the last call (ms). */
  loopDelay(): Promise<number>;
  close(): Promise<void>;
}

async function startCollector(spec: string): Promise<RunningCollector> {
  const child = fork(join(here, "../ingest-collector-child.ts"), [spec], {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the collector (see README, "Profiling a figure").
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      // perf names JIT-compiled JavaScript frames from the /tmp/perf-<pid>.map this writes.
      ...(PERF_FILE ? ["--perf-basic-prof"] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = new URL(await message<string>(child, "url"));
  return {
    child,
    port: Number(url.port),
    async cpu() {
      child.send("cpu");
      const usage = await message<NodeJS.CpuUsage>(child, "cpu");
      return usage.user + usage.system;
    },
    loopDelay() {
      child.send("loop");
      return message<number>(child, "loop");
    },
    async close() {
      child.send("close");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

const gzipBatches = (list: Events, size: number) => batches(list, size).map((b) => gzipSync(JSON.stringify(b)));

async function viaCollector(spec: string, events: Events, warmup: Events): Promise<HttpRun> {
  const collector = await startCollector(spec);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const send = async (bodies: Buffer[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] as Buffer;
          await postBatch(collector.port, agent, body, BATCH);
        }
      }),
    );
  };
  await send(gzipBatches(warmup, BATCH));
  const bodies = gzipBatches(events, BATCH);
  const recording = PERF_FILE ? await recordPerf(collector.child.pid as number, PERF_FILE) : undefined;
  const cpu0 = await collector.cpu();
  const load0 = process.cpuUsage();
  const server0 = spec.startsWith("clickhouse") ? clickhouseServerCpu()?.total : undefined;
  const t0 = performance.now();
  await send(bodies);
  const seconds = (performance.now() - t0) / 1000;
  const load = process.cpuUsage(load0);
  const server1 = server0 === undefined ? undefined : clickhouseServerCpu()?.total;
  const cpu1 = await collector.cpu();
  await recording?.stop();
  agent.destroy();
  await collector.close();
  return {
    eventsPerSecond: events.length / seconds,
    cpuMicrosPerEvent: (cpu1 - cpu0) / events.length,
    loadCpuMicrosPerEvent: (load.user + load.system) / events.length,
    ...(server0 === undefined || server1 === undefined
      ? {}
      : { serverCpuMicrosPerEvent: (server1 - server0) / events.length }),
  };
}

/** `perf record` attached to `pid` until `stop()`, which waits for the file to be written. */
async function recordPerf(pid: number, file: string): Promise<{ stop(): Promise<void> }> {
  const recorder = spawn("perf", ["record", "-F", "1999", "-g", "-p", String(pid), "-o", file], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => {
    recorder.on("exit", () => resolve());
    recorder.on("error", () => resolve());
  });
  // perf needs a moment to attach before the window starts.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    async stop() {
      recorder.kill("SIGINT");
      await exited;
    },
  };
}

/** One GET /healthz on its own connection: milliseconds to the full answer. */
function probeHealth(port: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`/healthz ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * `/healthz` latency while one request of HEALTH_EVENTS events (the same traffic, gzip) is ingested:
 * probes every 10 ms from this process, from the request's start to its reply.
 */
async function healthUnderLoad(spec: string): Promise<{ probes: number[]; loopMs: number }> {
  const collector = await startCollector(spec);
  const agent = new Agent({ keepAlive: true });
  try {
    await postBatch(collector.port, agent, gzipBatches(ingestEvents(2_000), BATCH)[0] as Buffer, BATCH);
    const [body] = gzipBatches(ingestEvents(HEALTH_EVENTS), HEALTH_EVENTS);
    await collector.loopDelay();
    let ingesting = true;
    const ingest = postBatch(collector.port, agent, body as Buffer, HEALTH_EVENTS).finally(() => {
      ingesting = false;
    });
    const probes: number[] = [];
    while (ingesting) {
      probes.push(await probeHealth(collector.port));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await ingest;
    return { probes, loopMs: await collector.loopDelay() };
  } finally {
    agent.destroy();
    await collector.close();
  }
}

function sqliteDirect(file: string, events: Events): number {
  const rows = events.map((event) => toRows({ event: event as never, receivedMs: Date.now() }));
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(SQLITE_DDL);
  const write = prepareRowWriter(db);
  const tx = db.transaction((group: ReturnType<typeof toRows>[]) => {
    write.reset();
    for (const r of group) write(r);
    write.flush();
  });
  const t0 = performance.now();
  // One transaction per group of the collector's group commit at full load, as its write worker commits them
  // (sqlite-write-worker.ts); 1,000-event transactions, which only the in-process fallback uses, ran about 20% slower.
  for (const group of batches(rows, SQLITE_GROUP_COMMIT.maxEvents)) tx(group);
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return events.length / seconds;
}

/** Events per second and the local server's CPU per event (undefined: not on this host). */
interface DirectRun {
  eventsPerSecond: number;
  serverCpuMicrosPerEvent: number | undefined;
}

async function clickhouseDirect(database: string, events: Events, groupSize: number): Promise<DirectRun> {
  const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database });
  for (const stmt of clickhouseDdl(database)) await ch.exec(stmt, { database: !isCreateDatabase(stmt) });
  const formats = await readTableFormats(ch);
  // The collector's own writer (RowBinary where the column types allow), built before the clock starts.
  const groups = await Promise.all(
    batches(events, groupSize).map((group) =>
      clickhouseTableBodies(
        group.map((event) => ({ event: event as never, receivedMs: Date.now() })),
        group.map(() => true),
        formats,
      ),
    ),
  );
  const insert = (body: TableBody) => insertTableBody(ch, body);
  const server0 = clickhouseServerCpu()?.total;
  const t0 = performance.now();
  for (const bodies of groups) {
    await Promise.all(bodies.filter((body) => body.table !== "events").map(insert));
    for (const body of bodies) if (body.table === "events") await insert(body);
  }
  const seconds = (performance.now() - t0) / 1000;
  const server1 = server0 === undefined ? undefined : clickhouseServerCpu()?.total;
  return {
    eventsPerSecond: events.length / seconds,
    serverCpuMicrosPerEvent:
      server0 === undefined || server1 === undefined ? undefined : (server1 - server0) / events.length,
  };
}

/** Inserts (blocks) ClickHouse took into the `events` table: merged parts count every insert they came from. */
async function clickhouseInserts(database: string): Promise<number> {
  const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database });
  const [r] = await ch.rows<{ n: number }>(
    `SELECT toUInt64(sum(max_block_number - min_block_number + 1)) AS n FROM system.parts
     WHERE database = '${database}' AND table = 'events' AND active`,
  );
  return r?.n ?? 0;
}

const dropDatabase = (database: string) =>
  new ClickHouseClient({ url: CLICKHOUSE_URL, database }).exec(`DROP DATABASE IF EXISTS ${database}`, {
    database: false,
  });

const dir = mkdtempSync(join(tmpdir(), "inferlog-bench-ingest-"));
const rows: Row[] = [];
const only = process.env.BENCH_INGEST_STORE;
try {
  if (!only || only === "sqlite") {
    const http: HttpRun[] = [];
    const direct: number[] = [];
    const health: { probes: number[]; loopMs: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      direct.push(sqliteDirect(join(dir, `direct-${run}.db`), ingestEvents(EVENTS.sqlite)));
      http.push(
        await viaCollector(`sqlite:${join(dir, `http-${run}.db`)}`, ingestEvents(EVENTS.sqlite), ingestEvents(2_000)),
      );
      health.push(await healthUnderLoad(`sqlite:${join(dir, `health-${run}.db`)}`));
    }
    rows.push(...storeRows("SQLite", http, direct, `${EVENTS.sqlite} events, WAL, synchronous=FULL`));
    rows.push(healthRow("SQLite", health));
  }
  if (!only || only === "clickhouse") {
    const http: HttpRun[] = [];
    const direct: DirectRun[] = [];
    const inFlightGroups: DirectRun[] = [];
    const inserts: number[] = [];
    const health: { probes: number[]; loopMs: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const base = `ingest_stores_${process.pid}_${run}`;
      try {
        direct.push(await clickhouseDirect(`${base}_direct`, ingestEvents(EVENTS.clickhouse), CLICKHOUSE_DIRECT_GROUP));
        inFlightGroups.push(
          await clickhouseDirect(`${base}_groups`, ingestEvents(EVENTS.clickhouse), CLICKHOUSE_IN_FLIGHT_GROUP),
        );
        http.push(
          await viaCollector(
            `clickhouse://${new URL(CLICKHOUSE_URL).host}/${base}_http`,
            ingestEvents(EVENTS.clickhouse),
            ingestEvents(2_000),
          ),
        );
        inserts.push(await clickhouseInserts(`${base}_http`));
        health.push(await healthUnderLoad(`clickhouse://${new URL(CLICKHOUSE_URL).host}/${base}_health`));
      } finally {
        await dropDatabase(`${base}_direct`);
        await dropDatabase(`${base}_groups`);
        await dropDatabase(`${base}_http`);
        await dropDatabase(`${base}_health`);
      }
    }
    rows.push(
      ...storeRows(
        "ClickHouse",
        http,
        direct.map((run) => run.eventsPerSecond),
        `${EVENTS.clickhouse} events; inserts per table through the collector: ${inserts.join(", ")} (group commit)`,
      ),
      ...directGroupRows(direct, CLICKHOUSE_DIRECT_GROUP, "the ceiling's groups"),
      ...directGroupRows(
        inFlightGroups,
        CLICKHOUSE_IN_FLIGHT_GROUP,
        `${CONCURRENCY} connections x ${BATCH} events, the largest group a collector that acknowledges after the insert can form from this traffic`,
      ),
    );
    rows.push(healthRow("ClickHouse", health));
  }
  emit("ingest-stores", rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function storeRows(store: string, http: HttpRun[], direct: number[], note: string): Row[] {
  const each = (xs: number[]) => xs.map((x) => Math.round(x).toLocaleString("en-US")).join(", ");
  const rates = http.map((r) => r.eventsPerSecond);
  const cpu = http.map((r) => r.cpuMicrosPerEvent);
  const load = http.map((r) => r.loadCpuMicrosPerEvent);
  const server = http.flatMap((r) => (r.serverCpuMicrosPerEvent === undefined ? [] : [r.serverCpuMicrosPerEvent]));
  return [
    {
      metric: `ingest into ${store}, batches of ${BATCH}`,
      subject: "inferlog collector (HTTP)",
      value: median(rates),
      unit: "events/s",
      better: "higher",
      note: `${CONCURRENCY} connections, gzip; runs: ${each(rates)}; ${note}`,
    },
    {
      metric: `ingest into ${store}, batches of ${BATCH}`,
      subject: `${store} direct (ceiling)`,
      value: median(direct),
      unit: "events/s",
      better: "higher",
      reference: true,
      note: `the same events, pre-flattened, written by the store's own writer; runs: ${each(direct)}`,
    },
    {
      metric: `collector CPU per event (${store})`,
      subject: "inferlog collector (HTTP)",
      value: median(cpu),
      unit: "µs/event",
      better: "lower",
      note: `user+system of the collector process over the timed window; runs: ${cpu.map((c) => c.toFixed(1)).join(", ")}`,
    },
    {
      metric: `load generator CPU per event (${store})`,
      subject: "bench (replays pre-encoded gzip batches over HTTP)",
      value: median(load),
      unit: "µs/event",
      better: "lower",
      reference: true,
      note: `user+system of the bench process over the same window, which shares the cores; runs: ${load.map((c) => c.toFixed(1)).join(", ")}`,
    },
    ...(server.length === 0
      ? []
      : [
          {
            metric: `ClickHouse server CPU per event (${store})`,
            subject: "clickhouse-server",
            value: median(server),
            unit: "µs/event",
            better: "lower" as const,
            reference: true,
            note: `user+system of the local server process over the same window (merges included, and any other client's queries); runs: ${server.map((c) => c.toFixed(1)).join(", ")}`,
          },
        ]),
  ];
}

/** The same events straight into ClickHouse in groups of `size`: events/s, and the server's CPU per event. */
function directGroupRows(runs: DirectRun[], size: number, why: string): Row[] {
  const subject = `ClickHouse direct, ${size.toLocaleString("en-US")}-event inserts`;
  const rates = runs.map((run) => run.eventsPerSecond);
  const server = runs.flatMap((run) =>
    run.serverCpuMicrosPerEvent === undefined ? [] : [run.serverCpuMicrosPerEvent],
  );
  const rows: Row[] = [
    {
      metric: "ClickHouse direct, by insert size",
      subject,
      value: median(rates),
      unit: "events/s",
      better: "higher",
      reference: true,
      note: `${why}; runs: ${rates.map((x) => Math.round(x).toLocaleString("en-US")).join(", ")}`,
    },
  ];
  if (server.length > 0)
    rows.push({
      metric: "ClickHouse server CPU per event, by insert size",
      subject,
      value: median(server),
      unit: "µs/event",
      better: "lower",
      reference: true,
      note: `user+system of clickhouse-server while it took the inserts (merges that ran then included); runs: ${server.map((c) => c.toFixed(1)).join(", ")}`,
    });
  return rows;
}

/** The worst `/healthz` answer of each run's 10,000-event request; the value is the worst of all. */
function healthRow(store: string, runs: { probes: number[]; loopMs: number }[]): Row {
  const worst = runs.map((run) => Math.max(...run.probes));
  const all = runs.flatMap((run) => run.probes);
  return {
    metric: `/healthz while one ${HEALTH_EVENTS.toLocaleString("en-US")}-event request is ingested (${store})`,
    subject: "inferlog collector (HTTP)",
    value: Math.max(...worst),
    unit: "ms",
    better: "lower",
    note: `worst probe per run: ${worst.map((ms) => ms.toFixed(0)).join(", ")}; p50 ${quantile(all, 0.5).toFixed(1)} ms, p99 ${quantile(all, 0.99).toFixed(1)} ms over ${all.length} probes (one every 10 ms, each on a new connection); the collector's event loop was held at most ${runs.map((run) => run.loopMs.toFixed(0)).join(", ")} ms (monitorEventLoopDelay)`,
  };
}
