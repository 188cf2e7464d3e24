import { ConfigError } from "@inferlog/core";
import {
  clusterTable,
  clusterView,
  distributedCluster,
  distributedTableName,
  isCreateDatabase,
  isCreateView,
} from "./clickhouse-cluster-ddl.js";
import { type ClickHouseClient, ClickHouseError, sqlString } from "./clickhouse-http.js";

/** Where a single-server table goes when its database moves to a cluster: first while its rows are copied, then for good. */
export const copyingTableName = (name: string): string => `${name}_single_node_copying`;
export const singleNodeTableName = (name: string): string => `${name}_single_node`;

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
  return new Map(rows.map((row) => [row.name, row]));
}

/**
 * The cluster this database is already laid out for (it has `events_distributed`), so a report or a check
 * opened without `clickhouseCluster` creates the monitors' tables on the cluster too.
 */
export async function detectCluster(ch: ClickHouseClient): Promise<string | undefined> {
  const events = (await localTables(ch)).get(distributedTableName("events"));
  return events === undefined ? undefined : distributedCluster(events.engine_full);
}

/**
 * The tables are for one shard (with any number of replicas): the collector reads the replica of the
 * server it talks to, which on several shards would hold only part of the rows.
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
      `Expected \`clickhouseCluster\` to name a cluster in the server's remote_servers, got \`${cluster}\` (it knows: ${known.map((entry) => entry.cluster).join(", ") || "none"})`,
    );
  }
  if (shape.shards !== 1) {
    throw new ConfigError(
      `Expected ClickHouse cluster \`${cluster}\` to have one shard (replicated as often as you like), got ${shape.shards} shards: the collector reads the rows of the server it talks to, which would hold one shard's`,
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
  const list = columns.map((column) => column.name).join(", ");
  await ch.exec(`INSERT INTO ${db}.${to} (${list}) SELECT ${list} FROM ${db}.${from}`);
}

/**
 * How long an ON CLUSTER statement waits for every host (`distributed_ddl_task_timeout`, 180 s by
 * default): a healthy cluster answers in well under a second. A host that is down runs the statement
 * from ZooKeeper's queue when it is back, so once one has not answered, the next statements do not
 * wait at all (0). Either way the statement's effect on this server is awaited before the next.
 */
const ON_CLUSTER_WAIT_SECONDS = 3;
const LOCAL_EFFECT_TIMEOUT_MS = 30_000;
/** Beyond the ON CLUSTER wait, how long this server may take to answer (it runs the statement itself too). */
const ON_CLUSTER_ANSWER_MARGIN_MS = 10_000;
/** "Watching task ... is executing longer than distributed_ddl_task_timeout": some host has not run it yet. */
const DDL_TIMEOUT = /\bCode: 159\b/;

function onClusterRunner(ch: ClickHouseClient) {
  let waitSeconds = ON_CLUSTER_WAIT_SECONDS;
  return async function onCluster(statement: string, tookEffect: () => Promise<boolean>): Promise<void> {
    try {
      await ch.exec(statement, {
        database: false,
        settings: { distributed_ddl_task_timeout: String(waitSeconds) },
        // ClickHouse answers once every host ran it or the wait is over: a shorter connection timeout would cut it.
        timeoutAtLeastMs: waitSeconds * 1000 + ON_CLUSTER_ANSWER_MARGIN_MS,
      });
    } catch (error) {
      if (!(error instanceof ClickHouseError && DDL_TIMEOUT.test(error.message))) throw error;
      waitSeconds = 0;
    }
    const end = Date.now() + LOCAL_EFFECT_TIMEOUT_MS;
    while (!(await tookEffect())) {
      if (Date.now() > end) {
        throw new Error(
          `This server did not run ${statement.split("(")[0]?.trim()} within 30 s: is it one of the cluster's hosts?`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
}

/**
 * Creates the cluster form of `statements` (clickhouseDdl's, the monitors'), ON CLUSTER, on first use;
 * quick when this host has them already (then nothing is sent ON CLUSTER). With a host down, the
 * first creation takes ON_CLUSTER_WAIT_SECONDS more and that host creates the tables when it is back.
 *
 * A table this host holds in single-server form (a database the collector wrote before it was given
 * the cluster) moves: renamed to `t_single_node_copying`, the replicated `t` created in its place, its
 * rows copied into `t` (which replicates them), then renamed to `t_single_node`. After a crash the
 * next start finds `t_single_node_copying` and copies again (copies collapse). A collector still
 * writing the single-server way fails (503, its clients retry) only until the replicated `t` exists.
 */
export async function ensureClusterTables(
  ch: ClickHouseClient,
  cluster: string,
  statements: readonly string[],
): Promise<void> {
  const db = ch.database;
  const tables = statements
    .filter((statement) => !isCreateDatabase(statement) && !isCreateView(statement))
    .map((text) => clusterTable(text, db, cluster));
  const views = statements.filter(isCreateView).map((text) => clusterView(text, cluster));
  const isReady = (present: Map<string, LocalTable>, clusterTable: (typeof tables)[number]) =>
    present.get(clusterTable.name)?.engine.startsWith("Replicated") === true &&
    distributedCluster(present.get(clusterTable.distributedName)?.engine_full ?? "") === cluster &&
    !present.has(copyingTableName(clusterTable.name));
  let present = await localTables(ch);
  const missing = tables.filter((table) => !isReady(present, table));
  const missingViews = views.filter((view) => !present.has(view.name));
  if (missing.length === 0 && missingViews.length === 0) return;

  await checkCluster(ch, cluster);
  for (const clusterTable of missing) {
    const distributed = present.get(clusterTable.distributedName);
    if (distributed !== undefined && distributedCluster(distributed.engine_full) !== cluster) {
      throw new ConfigError(
        `Expected ${db}.${clusterTable.distributedName} to be distributed over cluster \`${cluster}\`, got \`${distributed.engine_full}\``,
      );
    }
  }
  const onCluster = onClusterRunner(ch);
  let moved = false;
  const exists = (name: string) => async () => (await localTables(ch)).has(name);
  await onCluster(`CREATE DATABASE IF NOT EXISTS ${db} ON CLUSTER ${cluster}`, async () => {
    const [found] = await systemRows<{ n: number }>(
      ch,
      `SELECT count() AS n FROM system.databases WHERE name = ${sqlString(db)}`,
    );
    return found?.n === 1;
  });
  for (const clusterTable of missing) {
    const copying = copyingTableName(clusterTable.name);
    const current = present.get(clusterTable.name);
    if (current !== undefined && !current.engine.startsWith("Replicated")) {
      if (present.has(copying)) {
        throw new Error(
          `Both ${db}.${clusterTable.name} (${current.engine}) and ${db}.${copying} exist: a single-server collector created ${clusterTable.name} again while it was moving to cluster ${cluster}. Stop the collectors that run without the cluster, copy its rows into ${copying}, drop it and start again`,
        );
      }
      await ch.exec(`RENAME TABLE ${db}.${clusterTable.name} TO ${db}.${copying}`, { database: false });
      present.set(copying, { ...current, name: copying });
    }
    await onCluster(
      clusterTable.createReplicated,
      async () => (await localTables(ch)).get(clusterTable.name)?.engine.startsWith("Replicated") === true,
    );
    if (present.has(copying)) {
      moved = true;
      await copyRows(ch, copying, clusterTable.name);
      await ch.exec(`RENAME TABLE ${db}.${copying} TO ${db}.${singleNodeTableName(clusterTable.name)}`, {
        database: false,
      });
    }
    await onCluster(clusterTable.createDistributed, exists(clusterTable.distributedName));
  }
  // After their source and target tables. A view this host made for its single-server tables is made again: it
  // was bound to the tables that moved aside (the followups it missed meanwhile are backfilled at open).
  for (const view of views) {
    if (moved && present.has(view.name)) {
      await ch.exec(`DROP TABLE IF EXISTS ${db}.${view.name}`, { database: false });
    } else if (present.has(view.name)) continue;
    await onCluster(view.create, exists(view.name));
  }

  present = await localTables(ch);
  const notHere = missing.filter((clusterTable) => !isReady(present, clusterTable));
  const viewsNotHere = views.filter((view) => !present.has(view.name));
  if (notHere.length > 0 || viewsNotHere.length > 0) {
    const shown = [
      ...notHere.map((clusterTable) => `${clusterTable.name} (${present.get(clusterTable.name)?.engine ?? "missing"})`),
      ...viewsNotHere.map((view) => `${view.name} (missing view)`),
    ].join(", ");
    throw new Error(
      `ON CLUSTER ${cluster} left this server without the replicated tables ${shown}: is it one of the cluster's hosts?`,
    );
  }
}
