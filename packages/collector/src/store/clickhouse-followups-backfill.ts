import { distributedTableName } from "./clickhouse-cluster-ddl.js";
import { FOLLOWUP_SOURCES, FOLLOWUPS_TABLE, followupsSelect } from "./clickhouse-followups.js";
import { type ClickHouseClient, sqlString } from "./clickhouse-http.js";

/**
 * This host's note that `followups` may lack rows of the source tables: made before `followups` and its views
 * (or before the tables move to a cluster, whose views are made again), dropped once the backfill is done. A start
 * that finds it (the last one stopped halfway) backfills again: the states are idempotent, copies merge.
 */
export const FOLLOWUPS_BACKFILL_MARKER = `${FOLLOWUPS_TABLE}_backfilling`;

/**
 * Run before the DDL: whether `followups` must be backfilled after it (the table is new here, the tables are about
 * to move to `cluster`, or a backfill was cut short), leaving the marker when so.
 */
export async function followupsBackfillPending(ch: ClickHouseClient, cluster: string | undefined): Promise<boolean> {
  const db = ch.database;
  // Read before the database may exist (so not in it); none there yet means nothing to backfill.
  const text = await ch.exec(
    `SELECT name, engine FROM system.tables WHERE database = ${sqlString(db)} FORMAT JSONEachRow`,
    {
      database: false,
    },
  );
  const tables = text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as { name: string; engine: string });
  const engines = new Map(tables.map((table) => [table.name, table.engine]));
  if (!engines.has("events")) return false;
  const moving =
    cluster !== undefined &&
    (!engines.get("events")?.startsWith("Replicated") || !engines.has(distributedTableName(FOLLOWUPS_TABLE)));
  if (engines.has(FOLLOWUPS_TABLE) && !moving && !engines.has(FOLLOWUPS_BACKFILL_MARKER)) return false;
  await ch.exec(`CREATE TABLE IF NOT EXISTS ${db}.${FOLLOWUPS_BACKFILL_MARKER} (at_ms Int64) ENGINE = TinyLog`, {
    database: false,
  });
  return true;
}

/**
 * Writes the states of every row of the source tables into `followups` (rows the views wrote meanwhile are written
 * twice and merge to the same values), merges them (OPTIMIZE … FINAL: reads then find one row per prediction
 * instead of one per source; a merge that fails, a replica away, is only skipped), then drops the marker.
 */
export async function backfillFollowups(ch: ClickHouseClient): Promise<void> {
  const db = ch.database;
  for (const source of FOLLOWUP_SOURCES) {
    await ch.exec(`INSERT INTO ${db}.${FOLLOWUPS_TABLE} ${followupsSelect(source, `${db}.${source}`)}`, {
      database: false,
    });
  }
  await ch.exec(`OPTIMIZE TABLE ${db}.${FOLLOWUPS_TABLE} FINAL`, { database: false }).catch(() => {});
  await ch.exec(`DROP TABLE IF EXISTS ${db}.${FOLLOWUPS_BACKFILL_MARKER}`, { database: false });
}
