/**
 * The `feature_profiles` table: one row per column of each `ml.feature_profile` event. Added
 * after schema version 1 shipped; CREATE IF NOT EXISTS adds it to older databases.
 */
export const SQLITE_PROFILE_DDL = `
CREATE TABLE IF NOT EXISTS feature_profiles (
  event_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  window_start_ms INTEGER NOT NULL,
  window_end_ms INTEGER NOT NULL,
  feature TEXT NOT NULL,
  kind TEXT NOT NULL,
  count REAL NOT NULL,
  nulls REAL NOT NULL,
  sum REAL,
  min REAL,
  max REAL,
  relative_accuracy REAL,
  sketch TEXT,
  distinct_estimate REAL,
  top_values TEXT,
  PRIMARY KEY (event_id, feature)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS feature_profiles_model_feature_window ON feature_profiles (model_name, feature, window_start_ms);
`;

/** ClickHouse 18.16: Int64 ms times, a `day` Date (of the window start) for partitions, FINAL on read. */
export const clickhouseProfileDdl = (db: string): string =>
  `CREATE TABLE IF NOT EXISTS ${db}.feature_profiles (
    event_id String, model_name String, model_version String, window_start_ms Int64, window_end_ms Int64,
    feature String, kind String, count Float64, nulls Float64, sum Nullable(Float64), min Nullable(Float64),
    max Nullable(Float64), relative_accuracy Nullable(Float64), sketch Nullable(String),
    distinct_estimate Nullable(Float64), top_values Nullable(String), day Date
  ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(day) ORDER BY (model_name, feature, event_id)`;
