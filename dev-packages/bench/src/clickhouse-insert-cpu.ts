/**
 * `tsx src/clickhouse-insert-cpu.ts [group sizes] [events]`: ClickHouse's own CPU per 1,000 events by
 * group size, for the collector's inserts (RowBinary, one insert per table, `events` last), from
 * `system.query_log` (user + system time of each insert, sent with `log_queries=1`). Unlike the server
 * process's CPU, it counts only these inserts, so other clients of a shared server do not blur it;
 * background merges are not in it. Each size runs twice, interleaved, on fresh events.
 */
import { ClickHouseClient } from "../../../packages/collector/src/store/clickhouse-http.js";
import { clickhouseDdl } from "../../../packages/collector/src/store/clickhouse-schema.js";
import {
  clickhouseTableBodies,
  readTableFormats,
  type TableBody,
} from "../../../packages/collector/src/store/clickhouse-table-binary.js";
import { batches, ingestEvents } from "./ingest-events.js";

const CLICKHOUSE_URL = process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
const sizes = (process.argv[2] ?? "100,500,1000,2000,5000,10000").split(",").map(Number);
const total = Number(process.argv[3] ?? 20_000);
const database = `insert_cpu_${process.pid}`;
const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database });

/** One insert with its own query id, logged in system.query_log. */
const insert = (body: TableBody, queryId: string) =>
  ch.exec(
    body.format === "RowBinary"
      ? `INSERT INTO ${database}.${body.table} (${body.columns.join(", ")}) FORMAT RowBinary`
      : `INSERT INTO ${database}.${body.table} FORMAT JSONEachRow`,
    {
      body: body.format === "RowBinary" ? body.chunks : `${body.lines.join("\n")}\n`,
      settings: { log_queries: "1", query_id: queryId },
    },
  );

/** User + system µs of the inserts whose ids start with `tag`, once all `count` are in the log (flushed every 7.5 s). */
async function loggedCpu(tag: string, count: number): Promise<number> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const [row] = await ch.rows<{ cpu: number; n: number }>(
      `SELECT toUInt64(sum(ProfileEvents.Values[indexOf(ProfileEvents.Names, 'UserTimeMicroseconds')]
         + ProfileEvents.Values[indexOf(ProfileEvents.Names, 'SystemTimeMicroseconds')])) AS cpu, count() AS n
       FROM system.query_log WHERE type = 2 AND query_id LIKE '${tag}\\_%'`,
    );
    if ((row?.n ?? 0) >= count) return row?.cpu ?? 0;
  }
}

try {
  for (const stmt of clickhouseDdl(database)) await ch.exec(stmt, { database: false });
  const formats = await readTableFormats(ch);
  const results = new Map<number, number[]>();
  for (let round = 0; round < 2; round++) {
    for (const size of sizes) {
      const events = ingestEvents(total).map((event) => ({ event: event as never, receivedMs: Date.now() }));
      const tag = `${database}_${round}_${size}`;
      let inserts = 0;
      for (const group of batches(events, size)) {
        const bodies = await clickhouseTableBodies(
          group,
          group.map(() => true),
          formats,
        );
        await Promise.all(
          bodies.filter((body) => body.table !== "events").map((body) => insert(body, `${tag}_${inserts++}`)),
        );
        for (const body of bodies) if (body.table === "events") await insert(body, `${tag}_${inserts++}`);
      }
      const perThousand = (await loggedCpu(tag, inserts)) / total;
      results.set(size, [...(results.get(size) ?? []), perThousand]);
      console.log(`group ${size}: ${inserts} inserts, ${perThousand.toFixed(1)} ms of ClickHouse CPU per 1,000 events`);
    }
  }
  console.log("\ngroup size | ClickHouse insert CPU, ms per 1,000 events (each round)");
  for (const [size, runs] of results) console.log(`${size} | ${runs.map((ms) => ms.toFixed(1)).join(", ")}`);
} finally {
  await ch.exec(`DROP DATABASE IF EXISTS ${database}`, { database: false }).catch(() => {});
}
