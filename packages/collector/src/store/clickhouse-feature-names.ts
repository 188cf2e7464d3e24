import { backfillPending } from "./clickhouse-backfill-pending.js";
import type { ClickHouseClient } from "./clickhouse-http.js";

/**
 * The names of each model's features, kept at ingest: a row per (model, feature name) and insert block, fed by a
 * materialized view from the features table, so a report lists its drift tasks from a few rows instead of a
 * DISTINCT over every feature row (1.2 s of server CPU at 12.5M feature rows, before either of a report's
 * sessions can start). Copies (a resent batch, collectors racing, the backfill overlapping the view) are
 * harmless: the rows collapse on merge and the report reads them with DISTINCT.
 */
export const FEATURE_NAMES_TABLE = "feature_names";
export const FEATURE_NAMES_VIEW = `${FEATURE_NAMES_TABLE}_from_features`;

/** What the view and the backfill insert for the rows of `from` (the features table). */
const featureNamesSelect = (from: string) => `SELECT DISTINCT model_name, name FROM ${from}`;

/** The table (clickhouse-cluster-ddl.ts makes a ReplicatedReplacingMergeTree of it on a cluster). */
export const featureNamesTableDdl = (db: string): string =>
  `CREATE TABLE IF NOT EXISTS ${db}.${FEATURE_NAMES_TABLE} (model_name String, name String) ENGINE = ReplacingMergeTree() ORDER BY (model_name, name)`;

/** The materialized view: each block inserted into the features table adds its names. */
export const featureNamesViewDdl = (db: string): string =>
  `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${FEATURE_NAMES_VIEW} TO ${db}.${FEATURE_NAMES_TABLE}
    AS ${featureNamesSelect(`${db}.features`)}`;

/**
 * This host's note that `feature_names` may lack names of the features table: made before the table and its view
 * (or before the tables move to a cluster, whose views are made again), dropped once the backfill is done. A start
 * that finds it backfills again.
 */
export const FEATURE_NAMES_BACKFILL_MARKER = `${FEATURE_NAMES_TABLE}_backfilling`;

/** Run before the DDL: whether `feature_names` must be backfilled after it (clickhouse-backfill-pending.ts). */
export const featureNamesBackfillPending = (ch: ClickHouseClient, cluster: string | undefined): Promise<boolean> =>
  backfillPending(ch, cluster, {
    table: FEATURE_NAMES_TABLE,
    source: "features",
    marker: FEATURE_NAMES_BACKFILL_MARKER,
  });

/** Writes the names of every feature row into `feature_names` (names the view wrote meanwhile come twice), then drops the marker. */
export async function backfillFeatureNames(ch: ClickHouseClient): Promise<void> {
  const db = ch.database;
  await ch.exec(`INSERT INTO ${db}.${FEATURE_NAMES_TABLE} ${featureNamesSelect(`${db}.features`)}`, {
    database: false,
  });
  await ch.exec(`DROP TABLE IF EXISTS ${db}.${FEATURE_NAMES_BACKFILL_MARKER}`, { database: false });
}
