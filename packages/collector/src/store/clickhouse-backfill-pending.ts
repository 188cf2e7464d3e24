import { distributedTableName } from "./clickhouse-cluster-ddl.js";
import { type ClickHouseClient, sqlString } from "./clickhouse-http.js";

/** A table kept at ingest by materialized views from `source`, which an older database must have backfilled. */
export interface KeptTable {
  /** The table the views write (`followups`, `feature_names`). */
  table: string;
  /** A table it is derived from: a database without it holds nothing to backfill. */
  source: string;
  /** This host's note that a backfill is owed, made before the DDL and dropped once the backfill is done. */
  marker: string;
}

/**
 * Run before the DDL: whether `kept.table` must be backfilled after it (the table is new in a database that holds
 * its source, the tables are about to move to `cluster`, whose views are made again, or a backfill was cut short),
 * leaving the marker when so. A start that finds the marker (the last one stopped halfway) backfills again.
 */
export async function backfillPending(
  ch: ClickHouseClient,
  cluster: string | undefined,
  kept: KeptTable,
): Promise<boolean> {
  const db = ch.database;
  // Read before the database may exist (so not in it); none there yet means nothing to backfill.
  const text = await ch.exec(
    `SELECT name, engine FROM system.tables WHERE database = ${sqlString(db)} FORMAT JSONEachRow`,
    { database: false },
  );
  const engines = new Map(
    text
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { name: string; engine: string })
      .map((table) => [table.name, table.engine]),
  );
  if (!engines.has(kept.source)) return false;
  const moving =
    cluster !== undefined &&
    (!engines.get(kept.source)?.startsWith("Replicated") || !engines.has(distributedTableName(kept.table)));
  if (engines.has(kept.table) && !moving && !engines.has(kept.marker)) return false;
  await ch.exec(`CREATE TABLE IF NOT EXISTS ${db}.${kept.marker} (at_ms Int64) ENGINE = TinyLog`, { database: false });
  return true;
}
