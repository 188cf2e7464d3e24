import type Database from "better-sqlite3";
import type { Rows } from "./rows.js";
import { DRIFT_FEATURE, DRIFT_PREDICTED, type DriftCounter, prepareDriftCounter } from "./sqlite-drift-counts.js";
import { prepareProfileWriter } from "./sqlite-profile-writer.js";
import { prepareStateWriter } from "./sqlite-state.js";

const json = (v: string[]) => JSON.stringify(v);

/** Writes one event's rows; `flush` and `reset` are those of its drift counter (sqlite-drift-counts.ts). */
export type RowWriter = ((rows: Rows) => boolean) & Pick<DriftCounter, "flush" | "reset">;

/**
 * Prepared inserts for one event's rows. Returns false (and writes nothing) when the event id is
 * already stored. Call inside a transaction, and `flush()` before it commits: the drift counts of a
 * batch are summed in memory and written then. The benchmark uses it alone as the speed limit.
 */
export function prepareRowWriter(db: Database.Database): RowWriter {
  const insertEvent = db.prepare(
    `INSERT OR IGNORE INTO events (id, type, source, time_ms, received_ms, subject, prediction_id, model_name, samplerate, raw)
     VALUES (@id, @type, @source, @time_ms, @received_ms, @subject, @prediction_id, @model_name, @samplerate, @raw)`,
  );
  const insertPrediction = db.prepare(
    `INSERT INTO predictions (event_id, prediction_id, model_name, model_version, environment, trained_at_ms, time_ms, task,
       label, score, top_ids, k, outcome_ttl_s, latency_ms, subject_key, samplerate, shadow)
     VALUES (@event_id, @prediction_id, @model_name, @model_version, @environment, @trained_at_ms, @time_ms, @task,
       @label, @score, @top_ids, @k, @outcome_ttl_s, @latency_ms, @subject_key, @samplerate, @shadow)`,
  );
  const insertCandidate = db.prepare(
    `INSERT OR IGNORE INTO candidates (event_id, prediction_id, model_name, rank, candidate_id, score, item_age_s,
       model_version, time_ms, k)
     VALUES (@event_id, @prediction_id, @model_name, @rank, @candidate_id, @score, @item_age_s,
       @model_version, @time_ms, @k)`,
  );
  const insertExposure = db.prepare(
    `INSERT INTO exposures (event_id, prediction_id, model_name, time_ms, prediction_time_ms, subject_key, surface, shown_ids)
     VALUES (@event_id, @prediction_id, @model_name, @time_ms, @prediction_time_ms, @subject_key, @surface, @shown_ids)`,
  );
  const insertFeedback = db.prepare(
    `INSERT INTO feedback (event_id, prediction_id, model_name, time_ms, prediction_time_ms, subject_key, action, kind,
       candidate_id, position, value, dwell_ms)
     VALUES (@event_id, @prediction_id, @model_name, @time_ms, @prediction_time_ms, @subject_key, @action, @kind,
       @candidate_id, @position, @value, @dwell_ms)`,
  );
  const insertOutcome = db.prepare(
    `INSERT INTO outcomes (event_id, prediction_id, model_name, time_ms, prediction_time_ms, subject_key, label, relevant_ids,
       source, revision)
     VALUES (@event_id, @prediction_id, @model_name, @time_ms, @prediction_time_ms, @subject_key, @label, @relevant_ids,
       @source, @revision)`,
  );
  const insertOutcomeMetric = db.prepare(
    `INSERT OR IGNORE INTO outcome_metrics (event_id, prediction_id, model_name, time_ms, name, value)
     VALUES (@event_id, @prediction_id, @model_name, @time_ms, @name, @value)`,
  );
  const insertFeature = db.prepare(
    `INSERT OR IGNORE INTO features (event_id, prediction_id, model_name, model_version, time_ms, name, num_value, str_value)
     VALUES (@event_id, @prediction_id, @model_name, @model_version, @time_ms, @name, @num_value, @str_value)`,
  );

  const writeProfiles = prepareProfileWriter(db);
  const counter = prepareDriftCounter(db);
  const writeState = prepareStateWriter(db, counter);

  const write = (r: Rows): boolean => {
    // The event row is the dedup gate: when its id is already there, nothing else is written.
    if (insertEvent.run(r.event).changes === 0) return false;
    const p = r.prediction;
    if (p) {
      insertPrediction.run({ ...p, top_ids: json(p.top_ids) });
      // A challenger's label is not what the model answered the traffic: predicted-label drift counts the shown one.
      if (p.shadow === 0) counter.add(p.model_name, DRIFT_PREDICTED, "", p.time_ms, p.label, 1);
    }
    // A candidate row carries its prediction's version, time and k (both come from the one prediction event).
    for (const c of r.candidates) {
      insertCandidate.run({
        ...c,
        model_version: p?.model_version ?? null,
        time_ms: p?.time_ms ?? null,
        k: p?.k ?? null,
      });
    }
    if (r.exposure) insertExposure.run({ ...r.exposure, shown_ids: json(r.exposure.shown_ids) });
    if (r.feedback) insertFeedback.run(r.feedback);
    if (r.outcome) insertOutcome.run({ ...r.outcome, relevant_ids: json(r.outcome.relevant_ids) });
    for (const m of r.outcomeMetrics) insertOutcomeMetric.run(m);
    for (const f of r.features) {
      if (insertFeature.run(f).changes > 0) counter.add(f.model_name, DRIFT_FEATURE, f.name, f.time_ms, f.str_value, 1);
    }
    if (r.featureProfiles) writeProfiles(r.featureProfiles);
    writeState(r);
    return true;
  };
  return Object.assign(write, { flush: counter.flush, reset: counter.reset });
}
