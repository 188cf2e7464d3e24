import { distributedTableName } from "./clickhouse-cluster-ddl.js";
import { type ClickHouseClient, sqlString } from "./clickhouse-http.js";
import { clickhouseAddedColumns, isColumnAlreadyThere } from "./clickhouse-schema.js";

/**
 * Adds the columns of `clickhouseAddedColumns` to tables made before them, where this server's table lacks
 * one. On a cluster the replicated table passes its ALTER to every replica through ZooKeeper; the Distributed
 * table beside it is each host's own, so each host's collector adds the column to its own when it opens. A
 * collector that races another to the same ALTER gets "already exists" (code 44): done.
 */
export async function addMissingColumns(ch: ClickHouseClient, cluster: string | undefined): Promise<void> {
  const db = ch.database;
  for (const config of clickhouseAddedColumns(db)) {
    const tables = cluster === undefined ? [config.table] : [config.table, distributedTableName(config.table)];
    for (const table of tables) {
      const [found] = await ch.rows<{ n: number }>(
        `SELECT count() AS n FROM system.columns
         WHERE database = ${sqlString(db)} AND table = ${sqlString(table)} AND name = ${sqlString(config.column)}`,
      );
      if (found !== undefined && found.n > 0) continue;
      await ch
        .exec(`ALTER TABLE ${db}.${table} ADD COLUMN ${config.column} ${config.type}`, { database: false })
        .catch((entry: unknown) => {
          if (!isColumnAlreadyThere(entry instanceof Error ? entry.message : String(entry))) throw entry;
        });
    }
  }
}
