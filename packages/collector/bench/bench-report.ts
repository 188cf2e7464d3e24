/**
 * Report speed on a large store: writes N events (bench-events.ts: a ticket router's predictions, exposures,
 * feedback and outcomes, four per ticket) into a SQLite file or a ClickHouse database, then times
 * computeReport. Run from packages/collector:
 *   node --conditions=source --import tsx bench/bench-report.ts [events=1000000] [target] [flags]
 * `target` is a SQLite file (default: one in the temp folder named for N) or `clickhouse:DATABASE` (the server
 * at $INFERLOG_CLICKHOUSE_URL, default http://127.0.0.1:8123). A target that already holds events skips the
 * writing (a SQLite file of an older schema is brought up to date when opened, before the timing).
 * Flags: `days=N` reports on the last N days only; `sections=a,b` computes only those sections (`sections=drift,feedback,orphans`: what the default monitors read); `driftDays=N` gives drift rows for the last N days' windows only (a monitor's: 21) (of the 60 before `now`; events span the first 56); `one` keeps a report on the store's connection (or ClickHouse session) instead of sharing it with a worker thread (a second session);
 * `profile` times every query of the report (on the store's connection) and prints where the time went;
 * `dist` runs the built package (its report worker without tsx); `runs=N` times N reports; `json=FILE` writes the last report (without `generatedAt`) to FILE, to compare
 * the numbers of two builds.
 * Figures: docs/collector.md#reports-at-scale.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeReportWith } from "../src/metrics/compute-report.js";
import type { ReportSection } from "../src/metrics/sections.js";
import type { ReadRows } from "../src/store/bound-params.js";
import { openClickHouseStore } from "../src/store/clickhouse-store.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import type { Store } from "../src/store/types.js";
import { BENCH_START, benchEventBatches, DAY_MS } from "./bench-events.js";

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.includes("=") && !["one", "profile", "dist"].includes(a));
const flag = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
const total = Number(positional[0] ?? 1_000_000);
const target = positional[1] ?? join(tmpdir(), `inferlog-report-bench-${total}.db`);
const runs = Number(flag("runs") ?? 1);
const jsonFile = flag("json");

// `dist`: the built package (pnpm --filter @inferlog/collector build) opens the SQLite store and computes the report,
// as the published collector does: its report worker is plain JavaScript, where the sources' worker first loads tsx
// (about 0.5 s of CPU on this machine, on the report's critical path).
const built = args.includes("dist")
  ? ((await import(new URL("../dist/index.js", import.meta.url).href)) as {
      openSqliteStore: typeof openSqliteStore;
      computeReport: (store: Store, options: { now: number }) => ReturnType<typeof computeReportWith>;
    })
  : undefined;
const store: Store = target.startsWith("clickhouse:")
  ? await openClickHouseStore({
      url: process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123",
      database: target.slice("clickhouse:".length),
      timeoutMs: 1_800_000,
    })
  : (built?.openSqliteStore ?? openSqliteStore)({ path: target, synchronous: "NORMAL" });

const copies = Number(flag("copies") ?? 1);
if ((await store.tableCounts()).events === 0) {
  const t0 = Date.now();
  let written = 0;
  for (const batch of benchEventBatches(Math.floor(total / copies))) {
    await store.insertBatch(batch);
    written += batch.length;
  }
  console.log(`wrote ${written} events to ${target} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
// Copies again when a copy was cut short: rows of the same ids collapse on merge, and reads count them once.
if (copies > 1 && (await store.tableCounts()).events < total) await copyOnServer(store, copies);
const counts = await store.tableCounts();

/**
 * `copies=K` on ClickHouse: the N/K events written through the store, then K − 1 copies of every row made by
 * the server under other ids (`~1`, `~2`, ... appended to event and prediction ids): N events in minutes
 * instead of the store's ingest rate, with the same days, versions and value distributions.
 */
async function copyOnServer(into: Store, k: number): Promise<void> {
  if (into.kind !== "clickhouse" || !into.readRows) throw new Error("copies=K needs a clickhouse: target");
  const t0 = Date.now();
  const columns = await into.readRows("SELECT table, name FROM system.columns WHERE database = currentDatabase()");
  const tables = new Map<string, string[]>();
  for (const c of columns) tables.set(String(c.table), [...(tables.get(String(c.table)) ?? []), String(c.name)]);
  // One pass per table: every original row (its id without a `~N` suffix) once per copy number, by ARRAY JOIN.
  // Tables of events only: `followups` (and its views) get the copies' states from the views as the copies go in.
  for (const [table, names] of tables) {
    if (!names.includes("id") && !names.includes("event_id")) continue;
    const select = names.map((name) =>
      ["id", "event_id", "prediction_id", "subject"].includes(name) ? `concat(${name}, '~', toString(copy))` : name,
    );
    const id = names.includes("id") ? "id" : "event_id";
    await into.readRows(`INSERT INTO ${table} (${names.join(", ")}) SELECT ${select.join(", ")} FROM ${table} FINAL
      ARRAY JOIN arrayMap(n -> n + 1, range(toUInt32(${k - 1}))) AS copy WHERE NOT match(${id}, '~[0-9]+$')`);
  }
  console.log(`copied the events ${k - 1} more times on the server in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Time per query text (numbers and quoted values blanked, so the queries of each drift task add up). */
const spent = new Map<string, { ms: number; calls: number; cpuMs: number }>();
const normalized = (sql: string) =>
  sql
    .replace(/ FORMAT JSONEachRow$/, "")
    .replace(/\s+/g, " ")
    .replace(/'(?:[^'\\]|\\.)*'|@v\d+/g, "?")
    .replace(/\b\d+(\.\d+)?(e-?\d+)?\b/g, "N")
    .slice(0, 150);
const profiled = args.includes("profile");
const timed =
  (read: ReadRows): ReadRows =>
  async (sql, params) => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await read(sql, params);
    } finally {
      const key = normalized(sql);
      const s = spent.get(key) ?? { ms: 0, calls: 0, cpuMs: 0 };
      s.ms += performance.now() - t;
      s.calls++;
      // SQLite on one connection computes in this thread: its CPU time is the query's.
      if (store.kind === "sqlite") {
        const used = process.cpuUsage(cpu);
        s.cpuMs += (used.user + used.system) / 1000;
      }
      spent.set(key, s);
    }
  };
const readRows = store.readRows?.bind(store);
const readSession = store.readSession?.bind(store);
if (profiled && readRows) store.readRows = timed(readRows);
// ClickHouse: the session's statements go to system.query_log, for the server's CPU time per statement (the wall
// time of a statement on a shared machine is mostly waiting for a core).
if (profiled && readSession) {
  store.readSession = () => {
    const read = readSession();
    const logged = read("SET log_queries = 1");
    return timed(async (sql, params) => {
      await logged;
      return read(sql, params);
    });
  };
}
async function serverCpu(sinceS: number): Promise<void> {
  if (store.kind !== "clickhouse" || !readRows) return;
  await readRows("SYSTEM FLUSH LOGS");
  const rows = await readRows(`SELECT query,
      ProfileEvents.Values[indexOf(ProfileEvents.Names, 'UserTimeMicroseconds')]
      + ProfileEvents.Values[indexOf(ProfileEvents.Names, 'SystemTimeMicroseconds')] AS cpu_us
    FROM system.query_log WHERE type = 2 AND event_time >= toDateTime(${Math.floor(sinceS)})`);
  for (const r of rows) {
    const s = spent.get(normalized(String(r.query)));
    if (s) s.cpuMs += Number(r.cpu_us) / 1000;
  }
}

// `days=N`: a report over the last N days before `now` only (the data spans days 0-56), as a dashboard asks for.
const days = flag("days");
// `sections=a,b` (none: `sections=`): only those report sections, as a monitor's report (monitor-runner.ts) asks for.
const sections = flag("sections");
// `driftDays=N`: drift rows for the windows of the last N days only (a monitor's report: `driftDays=21`, three weeks).
const driftDays = flag("driftDays");
const reportOptions = {
  now: BENCH_START + 60 * DAY_MS,
  ...(days === undefined ? {} : { from: BENCH_START + (60 - Number(days)) * DAY_MS }),
  ...(sections === undefined ? {} : { sections: sections.split(",").filter(Boolean) as ReportSection[] }),
  ...(driftDays === undefined ? {} : { driftFrom: BENCH_START + (60 - Number(driftDays)) * DAY_MS }),
};
let runStartS = 0;
for (let run = 0; run < runs; run++) {
  spent.clear();
  runStartS = Date.now() / 1000 - 1;
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const report = built
    ? await built.computeReport(store, reportOptions)
    : await computeReportWith(store, reportOptions, { worker: !args.includes("one") && !profiled });
  const ms = performance.now() - t1;
  const cpu = process.cpuUsage(cpu0);
  // CPU time next to wall time: on a shared machine the wall clock also counts other processes' turns (and a
  // ClickHouse report's CPU is the server's, not this process's).
  console.log(
    `${store.kind} report over ${counts.events} events (${counts.predictions} predictions, ${counts.features} feature rows): ` +
      `${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU here; ` +
      `${report.quality.length} quality, ${report.drift.length} drift, ${report.modelAge.length} model age rows`,
  );
  if (jsonFile && run === runs - 1) {
    const { generatedAt: _, ...numbers } = report;
    writeFileSync(jsonFile, `${JSON.stringify(numbers, null, 1)}\n`);
  }
}
if (profiled) {
  await serverCpu(runStartS);
  const all = [...spent].sort((a, b) => b[1].ms - a[1].ms);
  const sum = all.reduce((a, [, s]) => a + s.ms, 0);
  const cpuSum = all.reduce((a, [, s]) => a + s.cpuMs, 0);
  console.log(
    `${all.reduce((a, [, s]) => a + s.calls, 0)} queries, ${(sum / 1000).toFixed(2)} s in all (last run)` +
      (store.kind === "clickhouse"
        ? `, server CPU of the session's statements ${(cpuSum / 1000).toFixed(2)} s:`
        : `, CPU ${(cpuSum / 1000).toFixed(2)} s:`),
  );
  for (const [sql, s] of all.slice(0, 25)) {
    const cpu = ` (${store.kind === "clickhouse" ? "server " : ""}CPU ${(s.cpuMs / 1000).toFixed(2).padStart(5)} s)`;
    console.log(`${(s.ms / 1000).toFixed(2).padStart(7)} s${cpu} ${String(s.calls).padStart(4)}×  ${sql}`);
  }
}
await store.close();
