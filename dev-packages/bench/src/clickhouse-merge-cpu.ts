/**
 * `tsx src/clickhouse-merge-cpu.ts [group sizes] [events]`: the ClickHouse server's CPU for the collector's
 * inserts by group size, split into the inserts themselves and the background merges they cause (the server's
 * `BackgrProcPool` threads, from /proc, until no merge runs), per event. Run it against a private server
 * (INFERLOG_CLICKHOUSE_URL, BENCH_CLICKHOUSE_PID): other clients' work on a shared one lands in these figures.
 */
import { ClickHouseClient } from "../../../packages/collector/src/store/clickhouse-http.js";
import { clickhouseDdl } from "../../../packages/collector/src/store/clickhouse-schema.js";
import {
  clickhouseTableBodies,
  insertTableBody,
  readTableFormats,
  type TableBody,
} from "../../../packages/collector/src/store/clickhouse-table-binary.js";
import { clickhouseServerCpu } from "./clickhouse-server-process.js";
import { batches, ingestEvents } from "./ingest-events.js";

const CLICKHOUSE_URL = process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
const sizes = (process.argv[2] ?? "700,1600,5000,10000").split(",").map(Number);
const total = Number(process.argv[3] ?? 50_000);
const rounds = Number(process.env.ROUNDS ?? 2);

function cpu(): { total: number; merges: number } {
  const server = clickhouseServerCpu();
  if (!server) throw new Error("no clickhouse-server on this host (BENCH_CLICKHOUSE_PID names one)");
  return { total: server.total, merges: server.byName.get("BackgrProcPool") ?? 0 };
}

const results = new Map<number, string[]>();
for (let round = 0; round < rounds; round++) {
  for (const size of sizes) {
    const database = `merge_cpu_${process.pid}_${round}_${size}`;
    const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database });
    try {
      for (const stmt of clickhouseDdl(database)) await ch.exec(stmt, { database: false });
      const formats = await readTableFormats(ch);
      const events = ingestEvents(total).map((event) => ({ event: event as never, receivedMs: Date.now() }));
      const groups = [];
      for (const group of batches(events, size))
        groups.push(
          await clickhouseTableBodies(
            group,
            group.map(() => true),
            formats,
          ),
        );
      const insert = (body: TableBody) => insertTableBody(ch, body);
      const before = cpu();
      for (const bodies of groups) await Promise.all(bodies.map(insert));
      const inserted = cpu();
      // Merges run on after the inserts: wait until none has run for 3 s.
      let quiet = 0;
      let last = inserted;
      while (quiet < 3) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const now = cpu();
        quiet = now.merges === last.merges ? quiet + 1 : 0;
        last = now;
      }
      const [parts] = await ch.rows<{ n: number }>(
        `SELECT count() AS n FROM system.parts WHERE database = '${database}' AND active`,
      );
      const per = (micros: number) => (micros / total).toFixed(1);
      const line = `inserts ${per(inserted.total - before.total - (inserted.merges - before.merges))}, merges ${per(last.merges - before.merges)} µs/event (${groups.length} groups, ${parts?.n} parts left)`;
      console.log(`group ${size}: ${line}`);
      results.set(size, [...(results.get(size) ?? []), line]);
    } finally {
      await ch.exec(`DROP DATABASE IF EXISTS ${database}`, { database: false }).catch(() => {});
    }
  }
}
console.log("\nClickHouse server CPU per event by group size (each round):");
for (const [size, lines] of results) console.log(`${size}: ${lines.join(" | ")}`);
