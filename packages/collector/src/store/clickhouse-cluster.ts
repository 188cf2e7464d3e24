import { ConfigError } from "@inferlog/core";
import { clusterTable, distributedCluster, isCreateDatabase } from "./clickhouse-cluster-ddl.js";
import { type ClickHouseClient, sqlString } from "./clickhouse-http.js";

/** Where a single-server table goes when its database moves to a cluster (its rows copied first). */
export const singleNodeTableName = (name: string): string => `${name}_single_node`;

/** Every insert through a Distributed table is acknowledged only once the shard's replicated table holds it. */
export const CLUSTER_SETTINGS: Readonly<Record<string, string>> = { insert_distributed_sync: "1" };

interface LocalTable {
  name: string;
  engine: string;
  engine_full: string;
}

/** Rows of the system tables, read before the database may exist (so not in it). */
async function systemRows<T>(ch: ClickHouseClient, sql: string): Promise<T[]> {
  const text = await ch.exec(`${sql} FORMAT JSONEachRow`, {
    database: false,
    settings: { output_format_json_quote_64bit_integers: "0" },
  });
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);
}

async function localTables(ch: ClickHouseClient): Promise<Map<string, LocalTable>> {
  const rows = await systemRows<LocalTable>(
    ch,
    `SELECT name, engine, engine_full FROM system.tables WHERE database = ${sqlString(ch.database)}`,
  );
  return new Map(rows.map((r) => [r.name, r]));
}

/**
 * The cluster this database is already laid out for (its `events` is a Distributed table), so a report
 * or a check opened without `clickhouseCluster` reads it as it is instead of creating single-server tables.
 */
export async function detectCluster(ch: ClickHouseClient): Promise<string | undefined> {
  const events = (await localTables(ch)).get("events");
  return events === undefined ? undefined : distributedCluster(events.engine_full);
}

/**
 * The tables are for one shard (with any number of replicas): the report joins predictions with
 * outcomes, exposures and feedback per host, which on several shards would miss the rows of a
 * prediction that sit on another one.
 */
async function checkCluster(ch: ClickHouseClient, cluster: string): Promise<void> {
  const [shape] = await systemRows<{ hosts: number; shards: number }>(
    ch,
    `SELECT count() AS hosts, uniqExact(shard_num) AS shards FROM system.clusters WHERE cluster = ${sqlString(cluster)}`,
  );
  if (!shape || shape.hosts === 0) {
    const known = await systemRows<{ cluster: string }>(
      ch,
      "SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster",
    );
    throw new ConfigError(
      `Expected \`clickhouseCluster\` to name a cluster in the server's remote_servers, got \`${cluster}\` (it knows: ${known.map((k) => k.cluster).join(", ") || "none"})`,
    );
  }
  if (shape.shards !== 1) {
    throw new ConfigError(
      `Expected ClickHouse cluster \`${cluster}\` to have one shard (replicated as often as you like), got ${shape.shards} shards: the report's joins read one host's rows and would miss those on other shards`,
    );
  }
}

/** Copies a single-server table's rows into the replicated one, column by column (older tables may lack newer columns). */
async function copyRows(ch: ClickHouseClient, from: string, to: string): Promise<void> {
  const db = ch.database;
  const columns = await ch.rows<{ name: string }>(
    `SELECT name FROM system.columns WHERE database = ${sqlString(db)} AND table = ${sqlString(to)}
     AND name IN (SELECT name FROM system.columns WHERE database = ${sqlString(db)} AND table = ${sqlString(from)})`,
  );
  const list = columns.map((c) => c.name).join(", ");
  await ch.exec(`INSERT INTO ${db}.${to} (${list}) SELECT ${list} FROM ${db}.${from}`);
}

/**
 * Creates the cluster form of `statements` (clickhouseDdl's, the monitors'), ON CLUSTER, on first use;
 * quick when this host has them already (then nothing is sent ON CLUSTER, so a collector restarts
 * while another replica is down: ON CLUSTER DDL waits for every host).
 *
 * A table this host holds in single-server form (a database the collector wrote before it was given
 * the cluster) moves: renamed to `t_single_node`, its rows copied into `t_local` (which replicates
 * them), and the Distributed `t` created in its place. Every step can run again after a crash: the
 * rows of `t_single_node` are copied whenever `t` is not yet the Distributed table, and copies collapse.
 * A collector still writing the single-server way in between fails (503, its clients retry) until
 * `t` exists again, so nothing acknowledged is left behind.
 */
export async function ensureClusterTables(
  ch: ClickHouseClient,
  cluster: string,
  statements: readonly string[],
): Promise<void> {
  const db = ch.database;
  const tables = statements.filter((s) => !isCreateDatabase(s)).map((s) => clusterTable(s, db, cluster));
  const isReady = (present: Map<string, LocalTable>, t: (typeof tables)[number]) =>
    present.get(t.localName)?.engine.startsWith("Replicated") === true && present.get(t.name)?.engine === "Distributed";
  let present = await localTables(ch);
  const missing = tables.filter((t) => !isReady(present, t));
  if (missing.length === 0) return;

  await checkCluster(ch, cluster);
  for (const t of missing) {
    const other = present.get(t.name);
    if (other?.engine === "Distributed" && distributedCluster(other.engine_full) !== cluster) {
      throw new ConfigError(
        `Expected ${db}.${t.name} to be distributed over cluster \`${cluster}\`, got \`${other.engine_full}\``,
      );
    }
  }
  await ch.exec(`CREATE DATABASE IF NOT EXISTS ${db} ON CLUSTER ${cluster}`, { database: false });
  for (const t of missing) {
    await ch.exec(t.createLocal, { database: false });
    const single = singleNodeTableName(t.name);
    const current = present.get(t.name);
    if (current !== undefined && current.engine !== "Distributed") {
      await ch.exec(`RENAME TABLE ${db}.${t.name} TO ${db}.${single}`, { database: false });
      present.set(single, { ...current, name: single });
    }
    if (present.has(single)) await copyRows(ch, single, t.localName);
    await ch.exec(t.createDistributed, { database: false });
  }

  present = await localTables(ch);
  const notHere = missing.filter((t) => !isReady(present, t));
  if (notHere.length > 0) {
    const shown = notHere.map((t) => `${t.localName} (${present.get(t.localName)?.engine ?? "missing"})`).join(", ");
    throw new Error(
      `ON CLUSTER ${cluster} left this server without replicated tables ${shown}: is it one of the cluster's hosts, and is a table of that name in the way?`,
    );
  }
}
