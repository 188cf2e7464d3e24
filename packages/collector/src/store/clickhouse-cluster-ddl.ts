import { ConfigError, showValue } from "@inferlog/core";

/**
 * The cluster form of one of our single-server CREATE TABLE statements (clickhouse-schema.ts and the
 * monitors' tables), both created ON CLUSTER on every host:
 * - `t`, a ReplicatedReplacingMergeTree (ReplicatedAggregatingMergeTree for an AggregatingMergeTree: the
 *   followups, clickhouse-followups.ts) with the same columns, sorting key and partitions, under the
 *   name every query uses: the replicas of the shard hold the same rows through ZooKeeper, and the
 *   collector reads and writes the replica of the server it talks to;
 * - `t_distributed`, a Distributed table over `t`, for queries from hosts that hold no replica. Its
 *   sharding key is a hash of the sorting key, which is the dedup key, so all copies of a row land on
 *   one shard, where ReplacingMergeTree and FINAL collapse them.
 */
export interface ClusterTable {
  /** The replicated table, which the collector reads and writes. */
  name: string;
  distributedName: string;
  createReplicated: string;
  createDistributed: string;
}

/** The one naming rule for the Distributed tables. */
export const distributedTableName = (name: string): string => `${name}_distributed`;

// What our statements look like: CREATE TABLE IF NOT EXISTS [db.]name (columns) ENGINE = ReplacingMergeTree(version) [PARTITION BY ...] ORDER BY key
const CREATE_TABLE =
  /^\s*CREATE TABLE IF NOT EXISTS (?:\w+\.)?(\w+) \(([\s\S]+)\)\s*ENGINE = (Replacing|Aggregating)MergeTree\((\w*)\)((?:\s+PARTITION BY [\s\S]+?)?\s+ORDER BY (\([^)]*\)|\w+))\s*$/;
// CREATE MATERIALIZED VIEW IF NOT EXISTS db.name TO db.target AS SELECT ... (clickhouse-followups.ts)
const CREATE_VIEW = /^\s*CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+)\.(\w+) (TO [\s\S]+)$/;
const CREATE_DATABASE = /^\s*CREATE DATABASE IF NOT EXISTS (\w+)\s*$/;

export const isCreateDatabase = (statement: string): boolean => CREATE_DATABASE.test(statement);
export const isCreateView = (statement: string): boolean => CREATE_VIEW.test(statement);

/**
 * The cluster form of a materialized view: the same view on every host (ON CLUSTER). A view runs on the inserts
 * made into its source table on its own host, never on the parts that replication brings, so each block feeds the
 * replicated target once, on the host that took it, and replication passes the result on.
 */
export function clusterView(statement: string, cluster: string): { name: string; create: string } {
  const match = CREATE_VIEW.exec(statement);
  if (!match) throw new Error(`Cannot make a cluster view of this statement: ${statement}`);
  const [, db, name, rest] = match as unknown as [string, string, string, string];
  return { name, create: `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${name} ON CLUSTER ${cluster} ${rest}` };
}

/** A cluster name as `clickhouseCluster` takes it: it is spliced into DDL, so only a plain identifier. */
export function clusterName(name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new ConfigError(
      `Expected \`clickhouseCluster\` to be a cluster name from the server's remote_servers ([A-Za-z_][A-Za-z0-9_]*), got \`${showValue(name)}\``,
    );
  }
  return name;
}

/** The ZooKeeper path of a table's replicas: one per shard ({shard} is each host's macro). */
const replicaPath = (db: string, name: string) => `'/clickhouse/tables/{shard}/${db}/${name}'`;

export function clusterTable(statement: string, db: string, cluster: string): ClusterTable {
  const match = CREATE_TABLE.exec(statement);
  if (!match) {
    throw new Error(
      `Cannot make a cluster table of this statement (not a ReplacingMergeTree or AggregatingMergeTree CREATE TABLE): ${statement}`,
    );
  }
  const [, name, columns, kind, version, keys, orderBy] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const distributedName = distributedTableName(name);
  const engineArgs = [replicaPath(db, name), "'{replica}'", ...(version ? [version] : [])].join(", ");
  const shardingKey = `cityHash64(${orderBy.replace(/^\(|\)$/g, "")})`;
  return {
    name,
    distributedName,
    createReplicated: `CREATE TABLE IF NOT EXISTS ${db}.${name} ON CLUSTER ${cluster} (${columns}) ENGINE = Replicated${kind}MergeTree(${engineArgs})${keys}`,
    createDistributed: `CREATE TABLE IF NOT EXISTS ${db}.${distributedName} ON CLUSTER ${cluster} AS ${db}.${name} ENGINE = Distributed(${cluster}, ${db}, ${name}, ${shardingKey})`,
  };
}

/** The cluster a Distributed table's engine names (`Distributed(cluster, db, table, key)`), if it is one. */
export function distributedCluster(engineFull: string): string | undefined {
  return /^Distributed\((\w+),/.exec(engineFull)?.[1];
}
