/**
 * SQLite tables. `events.id` is the primary key that makes ingest idempotent; the other tables
 * get rows only when their event was new, so none of them can hold a duplicate. Joins go by
 * (model_name, prediction_id), so outcomes, exposures and feedback that arrive before their
 * prediction are just rows that join later. Times are integer ms since the epoch.
 */
import { SQLITE_PROFILE_DDL } from "./profile-schema.js";
import { REPORT_COUNTS_DDL } from "./sqlite-report-counts.js";
import { SCHEMA8_CANDIDATES, SCHEMA8_EVENTS, SCHEMA8_FEATURES } from "./sqlite-schema8.js";

/**
 * 2: the report's state tables (sqlite-state.ts) and a covering feature index. 3: candidate rows carry their
 * prediction's model version, time and k, and exposure_state the exposed prediction's model version, so a
 * report reads them without a join per row. 4: each prediction row's `label_rank` against its latest outcome.
 * 5: drift counts per hour (sqlite-drift-counts.ts). 6: `predictions.shadow` (challengers; sqlite-shadow.ts). 7: each
 * item's first appearance per model (item_state). 8: cheaper layouts of events, features and candidates (sqlite-schema8.ts).
 * 9: report counts per hour kept at ingest (shown candidates, orphans, accepted positions) and each prediction row's
 * copy of its latest outcome (sqlite-report-counts.ts, filled by `migrateToSchema9`). Older files are filled on
 * open (sqlite-state.ts, sqlite-drift-counts.ts, sqlite-shadow.ts, sqlite-schema8.ts, sqlite-report-counts.ts).
 */
export const SQLITE_SCHEMA_VERSION = 9;

export const SQLITE_DDL = `
${SCHEMA8_EVENTS}

CREATE TABLE IF NOT EXISTS predictions (
  event_id TEXT PRIMARY KEY,
  prediction_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  environment TEXT,
  trained_at_ms INTEGER,
  time_ms INTEGER NOT NULL,
  task TEXT,
  label TEXT,
  score REAL,
  top_ids TEXT NOT NULL,
  k INTEGER,
  outcome_ttl_s INTEGER,
  latency_ms REAL,
  subject_key TEXT,
  samplerate REAL NOT NULL,
  -- Schema 4, kept by the writer (sqlite-state.ts): 1-based position in top_ids of the first id relevant to the
  -- latest outcome (outcome_state), 0 when none is or nothing is labeled, NULL while no outcome arrived.
  label_rank INTEGER,
  -- Schema 6: 1 for a challenger's prediction (\`shadow: true\`): scored the request, its answer not shown.
  shadow INTEGER NOT NULL DEFAULT 0,
  -- Schema 9, kept by the writer (sqlite-report-counts.ts): this row's copy of its outcome_state row (latest
  -- outcome's event id, label, relevant ids; first outcome's time), NULL while no outcome arrived.
  o_event_id TEXT,
  o_label TEXT,
  o_rel TEXT,
  o_first_ms INTEGER
);
CREATE INDEX IF NOT EXISTS predictions_join ON predictions (model_name, prediction_id);
CREATE INDEX IF NOT EXISTS predictions_model_time ON predictions (model_name, model_version, time_ms);

${SCHEMA8_CANDIDATES}

CREATE TABLE IF NOT EXISTS exposures (
  event_id TEXT PRIMARY KEY,
  prediction_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  prediction_time_ms INTEGER,
  subject_key TEXT,
  surface TEXT NOT NULL,
  shown_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS exposures_join ON exposures (model_name, prediction_id);
CREATE INDEX IF NOT EXISTS exposures_subject ON exposures (subject_key, time_ms);

CREATE TABLE IF NOT EXISTS feedback (
  event_id TEXT PRIMARY KEY,
  prediction_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  prediction_time_ms INTEGER,
  subject_key TEXT,
  action TEXT NOT NULL,
  kind TEXT NOT NULL,
  candidate_id TEXT,
  position INTEGER,
  value REAL,
  dwell_ms REAL
);
CREATE INDEX IF NOT EXISTS feedback_join ON feedback (model_name, prediction_id);

CREATE TABLE IF NOT EXISTS outcomes (
  event_id TEXT PRIMARY KEY,
  prediction_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  prediction_time_ms INTEGER,
  subject_key TEXT,
  label TEXT,
  relevant_ids TEXT NOT NULL,
  source TEXT NOT NULL,
  revision INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outcomes_join ON outcomes (model_name, prediction_id, revision, time_ms);

-- The outcome that counts for a prediction: highest revision, then latest time, then highest event id.
CREATE VIEW IF NOT EXISTS latest_outcomes AS
SELECT * FROM (
  SELECT o.*, ROW_NUMBER() OVER (
    PARTITION BY model_name, prediction_id ORDER BY revision DESC, time_ms DESC, event_id DESC
  ) AS rn FROM outcomes o
) WHERE rn = 1;

-- Business metrics of outcomes (long format). Added after schema version 1 shipped: CREATE IF NOT EXISTS
-- adds it to older files, whose earlier outcomes simply have no metric rows.
CREATE TABLE IF NOT EXISTS outcome_metrics (
  event_id TEXT NOT NULL,
  prediction_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (event_id, name)
) WITHOUT ROWID;

-- Schema 8 (sqlite-schema8.ts): keyed in the order drift reads it; schema 2's covering index features_values
-- and the older features_model_name_time are gone.
${SCHEMA8_FEATURES}
DROP INDEX IF EXISTS features_model_name_time;

-- Report state kept by the writer at ingest (sqlite-state.ts), so a report reads one row per prediction
-- instead of joining every outcome, exposure and feedback row. Order-free: each row only ever moves to
-- the latest outcome or to the MIN/MAX of what arrived, whatever the order of arrival.
-- The outcome that counts per prediction (highest revision, then latest time, then highest event id),
-- and the time of its first outcome.
CREATE TABLE IF NOT EXISTS outcome_state (
  model_name TEXT NOT NULL,
  prediction_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  label TEXT,
  relevant_ids TEXT NOT NULL,
  first_ms INTEGER NOT NULL,
  PRIMARY KEY (model_name, prediction_id)
) WITHOUT ROWID;
-- Per prediction with exposures or feedback: first exposure (NULL while only feedback arrived), the
-- greatest subject key of its exposures, whether any feedback accepted, ignored/dismissed, rejected, and
-- the least model version of the predictions with this id (NULL while none arrived; schema 3).
CREATE TABLE IF NOT EXISTS exposure_state (
  model_name TEXT NOT NULL,
  prediction_id TEXT NOT NULL,
  first_ms INTEGER,
  subject_key TEXT,
  accepted INTEGER NOT NULL,
  ignored INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  model_version TEXT,
  PRIMARY KEY (model_name, prediction_id)
) WITHOUT ROWID;
-- A subject's first exposure to a model's suggestions.
CREATE TABLE IF NOT EXISTS subject_state (
  model_name TEXT NOT NULL,
  subject_key TEXT NOT NULL,
  first_ms INTEGER NOT NULL,
  PRIMARY KEY (model_name, subject_key)
) WITHOUT ROWID;
-- Each item's (candidate id's) first appearance per model (schema 7): the least prediction time − itemAgeSeconds
-- of its candidate rows, what freshness and new items compare with a version's data cutoff. first_ms has no type:
-- it keeps the value the expression gives (an integer, or a real for fractional item ages) as it is.
CREATE TABLE IF NOT EXISTS item_state (
  model_name TEXT NOT NULL,
  candidate_id TEXT NOT NULL,
  first_ms NOT NULL,
  PRIMARY KEY (model_name, candidate_id)
) WITHOUT ROWID;
-- Drift counts (schema 5, sqlite-drift-counts.ts): rows per model, source (0 feature, 1 predicted label, 2 the latest
-- outcome's label), feature name ('' for labels), UTC hour and text value (is_null = 1: NULL, value ''), so
-- categorical drift counts bins per window from these rows. Summed per batch by the writer; order-free (counts add).
CREATE TABLE IF NOT EXISTS drift_counts (
  model_name TEXT NOT NULL,
  source INTEGER NOT NULL,
  name TEXT NOT NULL,
  hour_ms INTEGER NOT NULL,
  is_null INTEGER NOT NULL,
  value TEXT NOT NULL,
  cnt INTEGER NOT NULL,
  PRIMARY KEY (model_name, source, name, hour_ms, is_null, value)
) WITHOUT ROWID;
${SQLITE_PROFILE_DDL}
${REPORT_COUNTS_DDL}`;
