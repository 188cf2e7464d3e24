/**
 * `tsx src/clickhouse-server-cpu.ts [events] [connections]`: where the ClickHouse server's CPU goes while the
 * collector ingests the ingest bench's traffic (gzip batches of 100 over `connections` keep-alive connections,
 * collector in its own process): the server's threads by name from /proc (`BackgrProcPool`: merges; the rest:
 * queries and inserts), and with INFERLOG_DIAG_LOG_QUERIES=1, system.query_log by statement kind: that needs a
 * collector that sends `log_queries=1` with each request (a one-line local change to `ClickHouseClient.exec`; the
 * collector does not log its queries). The server must run on this host; it counts the whole server, other
 * clients included, so read it on a quiet machine or as an upper bound.
 */
import { fork } from "node:child_process";
import { Agent } from "node:http";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ClickHouseClient } from "../../../packages/collector/src/store/clickhouse-http.js";
import { clickhouseServerCpu as serverCpuOrNone } from "./clickhouse-server-process.js";
import { batches, ingestEvents } from "./ingest-events.js";
import { postBatch } from "./post-batch.js";

const CLICKHOUSE_URL = process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
const EVENTS = Number(process.argv[2] ?? 50_000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const BATCH = 100;
const database = `server_cpu_${process.pid}`;
const here = new URL(".", import.meta.url).pathname;

function serverCpu() {
  const cpu = serverCpuOrNone();
  if (!cpu) throw new Error("no clickhouse-server process on this host (BENCH_CLICKHOUSE_PID names one)");
  return cpu;
}

const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database });
const child = fork(
  join(here, "ingest-collector-child.ts"),
  [`clickhouse://${new URL(CLICKHOUSE_URL).host}/${database}`],
  {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  },
);
try {
  const url = await new Promise<string>((resolve) => child.once("message", (m) => resolve((m as { url: string }).url)));
  const port = Number(new URL(url).port);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const send = async (bodies: Buffer[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) await postBatch(port, agent, bodies[next++] as Buffer, BATCH);
      }),
    );
  };
  const encode = (n: number) => batches(ingestEvents(n), BATCH).map((b) => gzipSync(JSON.stringify(b)));
  await send(encode(2_000));
  const bodies = encode(EVENTS);
  const startedAt = Math.floor(Date.now() / 1000);
  const before = serverCpu();
  const t0 = performance.now();
  await send(bodies);
  const seconds = (performance.now() - t0) / 1000;
  const after = serverCpu();
  // Merges still running after the window are work the window caused: wait for them, counted apart.
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  const settled = serverCpu();
  agent.destroy();
  const per = (micros: number) => (micros / EVENTS).toFixed(1);
  const merges = (from: typeof before, to: typeof before) =>
    (to.byName.get("BackgrProcPool") ?? 0) - (from.byName.get("BackgrProcPool") ?? 0);
  console.log(`${EVENTS} events, ${CONCURRENCY} connections: ${Math.round(EVENTS / seconds)} events/s`);
  console.log(`server CPU per event in the window: ${per(after.total - before.total)} µs`);
  console.log(`  merge threads (BackgrProcPool): ${per(merges(before, after))} µs`);
  for (const [name, micros] of after.byName) {
    const delta = micros - (before.byName.get(name) ?? 0);
    if (name !== "BackgrProcPool" && delta > 0) console.log(`  ${name} (live threads): ${per(delta)} µs`);
  }
  console.log(
    `  in 8 s after the window: ${per(settled.total - after.total)} µs, merges ${per(merges(after, settled))} µs`,
  );
  const [inserts] = await ch.rows<{ n: number; parts: number }>(
    `SELECT toUInt64(sum(max_block_number - min_block_number + 1)) AS n, count() AS parts FROM system.parts
     WHERE database = '${database}' AND table = 'events' AND active`,
  );
  console.log(`inserts into events: ${inserts?.n}, active parts now: ${inserts?.parts}`);
  if (process.env.INFERLOG_DIAG_LOG_QUERIES) {
    await ch.exec("SYSTEM FLUSH LOGS", { database: false });
    const kinds = await ch.rows<{ kind: string; n: number; cpu: number; read_rows: number; ms: number }>(
      `SELECT multiIf(query LIKE 'SELECT id FROM events%', 'id lookup', query LIKE 'INSERT INTO%',
         concat('insert ', extract(query, 'INSERT INTO [a-z0-9_]+\\\\.([a-z_]+)')), substring(query, 1, 40)) AS kind,
         count() AS n,
         toUInt64(sum(ProfileEvents.Values[indexOf(ProfileEvents.Names, 'UserTimeMicroseconds')]
           + ProfileEvents.Values[indexOf(ProfileEvents.Names, 'SystemTimeMicroseconds')])) AS cpu,
         toUInt64(sum(read_rows)) AS read_rows, toUInt64(sum(query_duration_ms)) AS ms
       FROM system.query_log
       WHERE type = 2 AND event_time >= ${startedAt} AND (query LIKE '%${database}%' OR query LIKE 'SELECT id FROM events%')
       GROUP BY kind ORDER BY cpu DESC`,
    );
    console.log("query_log (finished queries since the window began; lookups of other clients too):");
    for (const k of kinds)
      console.log(`  ${k.kind}: ${k.n} queries, ${per(k.cpu)} µs/event CPU, ${k.read_rows} rows read, ${k.ms} ms`);
  }
} finally {
  child.send("close");
  await new Promise((resolve) => child.once("exit", resolve));
  await ch.exec(`DROP DATABASE IF EXISTS ${database}`, { database: false }).catch(() => {});
}
