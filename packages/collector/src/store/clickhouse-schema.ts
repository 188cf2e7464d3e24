import { featureNamesTableDdl, featureNamesViewDdl } from "./clickhouse-feature-names.js";
import { FOLLOWUP_SOURCES, followupsTableDdl, followupsViewDdl } from "./clickhouse-followups.js";
import { clickhouseProfileDdl } from "./profile-schema.js";

/**
 * ClickHouse tables for 18.16 and later: no DateTime64 or LowCardinality there, so times are
 * Int64 ms and a `day` Date column drives partitioning. Every table is a ReplacingMergeTree whose
 * sorting key contains the event id, so rows from an event delivered twice (two collectors racing,
 * a retried insert) collapse on merge; queries read with FINAL so they never count them twice.
 * Partitions follow the event's own time, so copies of one event always share a partition.
 */
/**
 * A shown prediction's candidates beside `top_ids` (same order, same length): their ranks and item ages, so the
 * report reads shown candidates and items' first appearances from the predictions it reads anyway, with no join
 * of the candidates table to the predictions. Empty for a challenger's prediction (its candidates were not shown)
 * and, until clickhouse-backfill.ts has run, on rows written before these columns.
 */
const PREDICTION_CANDIDATE_COLUMNS = "cand_ranks Array(Int32), cand_ages Array(Nullable(Float64))";

const engine = (orderBy: string) => `ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(day) ORDER BY (${orderBy})`;

export const clickhouseDdl = (db: string): string[] => [
  `CREATE DATABASE IF NOT EXISTS ${db}`,
  `CREATE TABLE IF NOT EXISTS ${db}.events (
    id String, type String, source String, time_ms Int64, received_ms Int64,
    subject Nullable(String), prediction_id Nullable(String), model_name Nullable(String),
    samplerate Float64, raw String, day Date
  ) ${engine("id")}`,
  `CREATE TABLE IF NOT EXISTS ${db}.predictions (
    event_id String, prediction_id String, model_name String, model_version String, environment Nullable(String),
    trained_at_ms Nullable(Int64), time_ms Int64, task Nullable(String), label Nullable(String), score Nullable(Float64),
    top_ids Array(String), k Nullable(Int32), outcome_ttl_s Nullable(Int64), latency_ms Nullable(Float64),
    subject_key Nullable(String), samplerate Float64, day Date, shadow UInt8 DEFAULT 0,
    ${PREDICTION_CANDIDATE_COLUMNS}
  ) ${engine("model_name, prediction_id, event_id")}`,
  `CREATE TABLE IF NOT EXISTS ${db}.candidates (
    event_id String, prediction_id String, model_name String, rank Int32, candidate_id String,
    score Nullable(Float64), item_age_s Nullable(Float64), day Date
  ) ${engine("model_name, prediction_id, event_id, rank, candidate_id")}`,
  `CREATE TABLE IF NOT EXISTS ${db}.exposures (
    event_id String, prediction_id String, model_name String, time_ms Int64, prediction_time_ms Nullable(Int64),
    subject_key Nullable(String), surface String, shown_ids Array(String), day Date
  ) ${engine("model_name, prediction_id, event_id")}`,
  `CREATE TABLE IF NOT EXISTS ${db}.feedback (
    event_id String, prediction_id String, model_name String, time_ms Int64, prediction_time_ms Nullable(Int64),
    subject_key Nullable(String), action String, kind String, candidate_id Nullable(String), position Nullable(Int32),
    value Nullable(Float64), dwell_ms Nullable(Float64), day Date
  ) ${engine("model_name, prediction_id, event_id")}`,
  `CREATE TABLE IF NOT EXISTS ${db}.outcomes (
    event_id String, prediction_id String, model_name String, time_ms Int64, prediction_time_ms Nullable(Int64),
    subject_key Nullable(String), label Nullable(String), relevant_ids Array(String), source String, revision Int64,
    day Date
  ) ${engine("model_name, prediction_id, event_id")}`,
  `CREATE TABLE IF NOT EXISTS ${db}.outcome_metrics (
    event_id String, prediction_id String, model_name String, time_ms Int64, name String, value Float64, day Date
  ) ${engine("model_name, prediction_id, event_id, name")}`,
  // prediction_id is '' (not NULL) for features logged without a prediction: sorting keys cannot be Nullable.
  `CREATE TABLE IF NOT EXISTS ${db}.features (
    event_id String, prediction_id String, model_name String, model_version String, time_ms Int64, name String,
    num_value Nullable(Float64), str_value Nullable(String), day Date
  ) ${engine("model_name, name, event_id")}`,
  clickhouseProfileDdl(db),
  // After the tables they read, kept at ingest for the reports: per-prediction states (clickhouse-followups.ts) and
  // the feature names (clickhouse-feature-names.ts); their tables before the views that write into them.
  followupsTableDdl(db),
  featureNamesTableDdl(db),
  ...FOLLOWUP_SOURCES.map((source) => followupsViewDdl(db, source)),
  featureNamesViewDdl(db),
];

/**
 * Columns added after their table first shipped. `clickhouseDdl` makes new tables with them; a table made
 * earlier gets them by `alter` (18.16 has no ADD COLUMN IF NOT EXISTS), run after the DDL: an `alter` that finds
 * its column there already fails with code 44 (`isColumnAlreadyThere`), which means done.
 */
export const clickhouseAddedColumns = (db: string): { table: string; column: string; type: string; alter: string }[] =>
  [
    // A challenger's prediction (`shadow: true`); rows written before it are all shown predictions.
    { table: "predictions", column: "shadow", type: "UInt8 DEFAULT 0" },
    // The candidates' ranks and item ages on their prediction's row (clickhouse-backfill.ts fills older rows).
    { table: "predictions", column: "cand_ranks", type: "Array(Int32)" },
    { table: "predictions", column: "cand_ages", type: "Array(Nullable(Float64))" },
  ].map((config) => ({
    ...config,
    alter: `ALTER TABLE ${db}.${config.table} ADD COLUMN ${config.column} ${config.type}`,
  }));

/** ClickHouse's answer to an ALTER … ADD COLUMN whose column exists: "Code: 44 … column with this name already exists". */
export const isColumnAlreadyThere = (message: string): boolean =>
  /\bCode: 44\b/.test(message) && message.includes("already exists");
