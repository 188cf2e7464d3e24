import type Database from "better-sqlite3";
import type { Rows } from "./rows.js";
import { DRIFT_TRUE, type DriftCounter } from "./sqlite-drift-counts.js";
import { FIRST_RANK_FN, firstRank } from "./sqlite-functions.js";
import { prepareOutcomeWriter } from "./sqlite-outcome-state.js";
import { type KeyState, prepareReportCounts, type ReportCounts } from "./sqlite-report-counts.js";

/**
 * Upserts of the report state tables (see sqlite-schema.ts). Each takes its rows from `source`: the
 * event's own values at ingest, or a SELECT over the stored rows when an older file is filled in, so
 * both go through the same rules. Every rule is a MIN, a MAX or "the later outcome wins", which gives
 * the same state for any arrival order; duplicates never get here (the event row is the gate).
 */
const outcomeUpsert = (source: string) =>
  `INSERT INTO outcome_state (model_name, prediction_id, event_id, revision, time_ms, label, relevant_ids, first_ms)
   ${source}
   ON CONFLICT (model_name, prediction_id) DO UPDATE SET
     event_id = CASE WHEN ${later} THEN excluded.event_id ELSE event_id END,
     revision = CASE WHEN ${later} THEN excluded.revision ELSE revision END,
     time_ms = CASE WHEN ${later} THEN excluded.time_ms ELSE time_ms END,
     label = CASE WHEN ${later} THEN excluded.label ELSE label END,
     relevant_ids = CASE WHEN ${later} THEN excluded.relevant_ids ELSE relevant_ids END,
     first_ms = MIN(first_ms, excluded.first_ms)`;
// The order of the latest_outcomes view: revision, then time, then event id. SET sees the old row.
const later = "(excluded.revision, excluded.time_ms, excluded.event_id) > (revision, time_ms, event_id)";

// model_version is set when the row is made and lowered by each prediction that arrives later (versionUpdate).
const exposureUpsert = (source: string) =>
  `INSERT INTO exposure_state (model_name, prediction_id, first_ms, subject_key, accepted, ignored, rejected, model_version)
   ${source}
   ON CONFLICT (model_name, prediction_id) DO UPDATE SET
     first_ms = CASE WHEN first_ms IS NULL OR excluded.first_ms < first_ms THEN excluded.first_ms ELSE first_ms END,
     subject_key = CASE WHEN subject_key IS NULL OR excluded.subject_key > subject_key THEN excluded.subject_key ELSE subject_key END,
     accepted = MAX(accepted, excluded.accepted),
     ignored = MAX(ignored, excluded.ignored),
     rejected = MAX(rejected, excluded.rejected)`;

/**
 * The least model version of the stored shown (not shadow) predictions with the key of `@model_name`, `@prediction_id`:
 * exposures and feedback belong to the version whose answer was shown, never to a challenger. INDEXED BY:
 * for MIN(model_version) the planner would otherwise walk predictions_model_time through every row of the model.
 */
const versionOf = (model: string, pid: string) =>
  `(SELECT MIN(p.model_version) FROM predictions p INDEXED BY predictions_join
    WHERE p.model_name = ${model} AND p.prediction_id = ${pid} AND p.shadow = 0)`;
const storedVersion = versionOf("@model_name", "@prediction_id");

const versionUpdate = `UPDATE exposure_state SET model_version = @model_version
  WHERE model_name = @model_name AND prediction_id = @prediction_id
    AND (model_version IS NULL OR @model_version < model_version)`;

const subjectUpsert = (source: string) =>
  `INSERT INTO subject_state (model_name, subject_key, first_ms)
   ${source}
   ON CONFLICT (model_name, subject_key) DO UPDATE SET first_ms = MIN(first_ms, excluded.first_ms)`;

/**
 * Each candidate row's first-appearance time, as the report once computed it from every candidate row (the same
 * expression over the stored row, so the same number): a MIN, so any arrival order gives the same state.
 */
const itemUpsert = (where: string) =>
  `INSERT INTO item_state (model_name, candidate_id, first_ms)
   SELECT model_name, candidate_id, time_ms - COALESCE(item_age_s, 0) * 1000 FROM candidates
   WHERE time_ms IS NOT NULL AND ${where}
   ON CONFLICT (model_name, candidate_id) DO UPDATE SET first_ms = MIN(first_ms, excluded.first_ms)`;

const flags = (action: string) =>
  `${action} = 'accepted', ${action} IN ('ignored', 'dismissed'), ${action} = 'rejected'`;

/**
 * Prepared state upserts for one event's rows (and schema 9's counts, sqlite-report-counts.ts); call after its
 * rows were written, in the same transaction. The true-label drift counts (one per prediction row, its latest outcome's label) go to `counter`.
 */
export function prepareStateWriter(
  db: Database.Database,
  counter: DriftCounter,
): ((rows: Rows) => void) & Pick<ReportCounts, "flush" | "reset"> {
  const writeOutcome = prepareOutcomeWriter(db, counter);
  const exposure = db.prepare(
    exposureUpsert(`VALUES (@model_name, @prediction_id, @time_ms, @subject_key, 0, 0, 0, ${storedVersion})`),
  );
  const subject = db.prepare(subjectUpsert("VALUES (@model_name, @subject_key, @time_ms)"));
  const feedback = db.prepare(
    exposureUpsert(`VALUES (@model_name, @prediction_id, NULL, NULL, ${flags("@action")}, ${storedVersion})`),
  );
  const version = db.prepare(versionUpdate);
  const items = db.prepare(itemUpsert("event_id = @event_id"));
  const latest = db.prepare(
    "SELECT event_id, label, relevant_ids FROM outcome_state WHERE model_name = ? AND prediction_id = ?",
  );
  const setRank = db.prepare("UPDATE predictions SET label_rank = ? WHERE event_id = ?");
  const rankOf = (topIds: unknown[], entry: { label: string | null; relevant_ids: string }) =>
    firstRank(topIds, JSON.parse(entry.relevant_ids) as unknown[], entry.label);
  // Schema 9's counts and each prediction row's latest outcome, in the same transaction, after outcome_state.
  const counts = prepareReportCounts(db);
  const exposed = db.prepare("SELECT accepted FROM exposure_state WHERE model_name = ? AND prediction_id = ?");
  const write = (result: Rows) => {
    // A prediction's key as the rows stored before it left it: its outcome_state and exposure_state rows.
    let key: KeyState = NO_KEY_STATE;
    if (result.prediction) {
      const row = result.prediction;
      const exposure = exposed.get(row.model_name, row.prediction_id) as { accepted: number } | undefined;
      // Only an exposure_state row (an exposure or feedback came first) has a version to lower.
      if (row.shadow === 0 && exposure) {
        version.run({ model_name: row.model_name, prediction_id: row.prediction_id, model_version: row.model_version });
      }
      if (result.candidates.length > 0) items.run({ event_id: row.event_id });
      // label_rank against the latest outcome, when one came first.
      const entry = latest.get(row.model_name, row.prediction_id) as
        | { label: string | null; relevant_ids: string }
        | undefined;
      key = { outcome: entry !== undefined, exposure };
      if (entry) {
        setRank.run(rankOf(row.top_ids, entry), row.event_id);
        // True labels count once per request: with its shown prediction.
        if (row.shadow === 0) counter.add(row.model_name, DRIFT_TRUE, "", row.time_ms, entry.label, 1);
      }
    }
    // An outcome's state, label ranks, prediction copies and true-label counts (sqlite-outcome-state.ts).
    if (result.outcome) key = { ...key, predictionStored: writeOutcome(result.outcome) };
    if (result.exposure) {
      const row = result.exposure;
      const key = { model_name: row.model_name, prediction_id: row.prediction_id, time_ms: row.time_ms };
      exposure.run({ ...key, subject_key: row.subject_key });
      if (row.subject_key !== null)
        subject.run({ model_name: row.model_name, subject_key: row.subject_key, time_ms: row.time_ms });
    }
    if (result.feedback) {
      const row = result.feedback;
      feedback.run({ model_name: row.model_name, prediction_id: row.prediction_id, action: row.action });
    }
    counts.write(result, key);
  };
  return Object.assign(write, { flush: counts.flush, reset: counts.reset });
}

/** The key state of an event that is not a prediction (its counts do not read it). */
const NO_KEY_STATE: KeyState = { outcome: false, exposure: undefined };

/** Fills the state tables from the stored rows (a file written before schema 2); idempotent. */
export function fillState(db: Database.Database): void {
  db.exec(`DELETE FROM outcome_state; DELETE FROM exposure_state; DELETE FROM subject_state;`);
  // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the upsert, not to a join.
  db.exec(
    outcomeUpsert(
      "SELECT model_name, prediction_id, event_id, revision, time_ms, label, relevant_ids, time_ms FROM outcomes WHERE true",
    ),
  );
  db.exec(
    exposureUpsert("SELECT model_name, prediction_id, time_ms, subject_key, 0, 0, 0, NULL FROM exposures WHERE true"),
  );
  db.exec(subjectUpsert("SELECT model_name, subject_key, time_ms FROM exposures WHERE subject_key IS NOT NULL"));
  db.exec(
    exposureUpsert(`SELECT model_name, prediction_id, NULL, NULL, ${flags("action")}, NULL FROM feedback WHERE true`),
  );
  fillVersions(db);
}

/**
 * Adds and fills what schema 3 added to a file written before it: the prediction's model version, time and k
 * on candidate rows, and the model version in exposure_state; idempotent.
 */
export function fillSchema3(db: Database.Database): void {
  const has = (table: string, column: string) =>
    (db.pragma(`table_info(${table})`) as { name: string }[]).some((config) => config.name === column);
  for (const [table, column, type] of [
    ["candidates", "model_version", "TEXT"],
    ["candidates", "time_ms", "INTEGER"],
    ["candidates", "k", "INTEGER"],
    ["exposure_state", "model_version", "TEXT"],
  ] as const) {
    if (!has(table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
  db.exec(`UPDATE candidates SET (model_version, time_ms, k) =
    (SELECT p.model_version, p.time_ms, p.k FROM predictions p WHERE p.event_id = candidates.event_id)`);
  fillVersions(db);
}

/** Fills what schema 7 added to a file written before it: item_state from the stored candidate rows; idempotent. */
export function fillItemState(db: Database.Database): void {
  db.exec("DELETE FROM item_state");
  db.exec(itemUpsert("true"));
}

/** Adds and fills what schema 4 added to a file written before it: each prediction row's label_rank; idempotent. */
export function fillSchema4(db: Database.Database): void {
  if (!(db.pragma("table_info(predictions)") as { name: string }[]).some((config) => config.name === "label_rank")) {
    db.exec("ALTER TABLE predictions ADD COLUMN label_rank INTEGER");
  }
  db.exec(`UPDATE predictions SET label_rank = (SELECT ${FIRST_RANK_FN}(predictions.top_ids, o.relevant_ids, o.label)
    FROM outcome_state o WHERE o.model_name = predictions.model_name AND o.prediction_id = predictions.prediction_id)`);
}

function fillVersions(db: Database.Database): void {
  db.exec(
    `UPDATE exposure_state SET model_version = ${versionOf("exposure_state.model_name", "exposure_state.prediction_id")}`,
  );
}
