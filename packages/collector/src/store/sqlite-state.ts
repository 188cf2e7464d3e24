import type Database from "better-sqlite3";
import type { Rows } from "./rows.js";

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

const exposureUpsert = (source: string) =>
  `INSERT INTO exposure_state (model_name, prediction_id, first_ms, subject_key, accepted, ignored, rejected)
   ${source}
   ON CONFLICT (model_name, prediction_id) DO UPDATE SET
     first_ms = CASE WHEN first_ms IS NULL OR excluded.first_ms < first_ms THEN excluded.first_ms ELSE first_ms END,
     subject_key = CASE WHEN subject_key IS NULL OR excluded.subject_key > subject_key THEN excluded.subject_key ELSE subject_key END,
     accepted = MAX(accepted, excluded.accepted),
     ignored = MAX(ignored, excluded.ignored),
     rejected = MAX(rejected, excluded.rejected)`;

const subjectUpsert = (source: string) =>
  `INSERT INTO subject_state (model_name, subject_key, first_ms)
   ${source}
   ON CONFLICT (model_name, subject_key) DO UPDATE SET first_ms = MIN(first_ms, excluded.first_ms)`;

const flags = (action: string) =>
  `${action} = 'accepted', ${action} IN ('ignored', 'dismissed'), ${action} = 'rejected'`;

/** Prepared state upserts for one event's rows; call after its rows were written, in the same transaction. */
export function prepareStateWriter(db: Database.Database): (rows: Rows) => void {
  const outcome = db.prepare(
    outcomeUpsert(
      "VALUES (@model_name, @prediction_id, @event_id, @revision, @time_ms, @label, @relevant_ids, @time_ms)",
    ),
  );
  const exposure = db.prepare(exposureUpsert("VALUES (@model_name, @prediction_id, @time_ms, @subject_key, 0, 0, 0)"));
  const subject = db.prepare(subjectUpsert("VALUES (@model_name, @subject_key, @time_ms)"));
  const feedback = db.prepare(exposureUpsert(`VALUES (@model_name, @prediction_id, NULL, NULL, ${flags("@action")})`));
  return (r) => {
    if (r.outcome) {
      const o = r.outcome;
      outcome.run({
        model_name: o.model_name,
        prediction_id: o.prediction_id,
        event_id: o.event_id,
        revision: o.revision,
        time_ms: o.time_ms,
        label: o.label,
        relevant_ids: JSON.stringify(o.relevant_ids),
      });
    }
    if (r.exposure) {
      const e = r.exposure;
      const key = { model_name: e.model_name, prediction_id: e.prediction_id, time_ms: e.time_ms };
      exposure.run({ ...key, subject_key: e.subject_key });
      if (e.subject_key !== null)
        subject.run({ model_name: e.model_name, subject_key: e.subject_key, time_ms: e.time_ms });
    }
    if (r.feedback) {
      const f = r.feedback;
      feedback.run({ model_name: f.model_name, prediction_id: f.prediction_id, action: f.action });
    }
  };
}

/** Fills the state tables from the stored rows (a file written before schema 2); idempotent. */
export function fillState(db: Database.Database): void {
  db.exec(`DELETE FROM outcome_state; DELETE FROM exposure_state; DELETE FROM subject_state;`);
  // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the upsert, not to a join.
  db.exec(
    outcomeUpsert(
      "SELECT model_name, prediction_id, event_id, revision, time_ms, label, relevant_ids, time_ms FROM outcomes WHERE true",
    ),
  );
  db.exec(exposureUpsert("SELECT model_name, prediction_id, time_ms, subject_key, 0, 0, 0 FROM exposures WHERE true"));
  db.exec(subjectUpsert("SELECT model_name, subject_key, time_ms FROM exposures WHERE subject_key IS NOT NULL"));
  db.exec(exposureUpsert(`SELECT model_name, prediction_id, NULL, NULL, ${flags("action")} FROM feedback WHERE true`));
}
