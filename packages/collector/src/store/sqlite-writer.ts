import type Database from "better-sqlite3";
import type { Rows } from "./rows.js";
import { DRIFT_FEATURE, DRIFT_PREDICTED, type DriftCounter, prepareDriftCounter } from "./sqlite-drift-counts.js";
import { prepareProfileWriter } from "./sqlite-profile-writer.js";
import { prepareStateWriter } from "./sqlite-state.js";

const json = (values: string[]) => JSON.stringify(values);

/**
 * Writes one event's rows; `flush` and `reset` are those of the counts it sums per batch in memory (drift counts,
 * sqlite-drift-counts.ts; shown and orphan counts, sqlite-report-counts.ts).
 */
export type RowWriter = ((rows: Rows) => boolean) & Pick<DriftCounter, "flush" | "reset">;

/**
 * Prepared inserts for one event's rows. Returns false (and writes nothing) when the event id is
 * already stored. Call inside a transaction, and `flush()` before it commits: the drift, shown and
 * orphan counts of a batch are summed in memory and written then. The benchmark uses it alone as the speed limit.
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

  const write = (rows: Rows): boolean => {
    // The event row is the dedup gate: when its id is already there, nothing else is written.
    if (insertEvent.run(rows.event).changes === 0) return false;
    const row = rows.prediction;
    if (row) {
      insertPrediction.run({ ...row, top_ids: json(row.top_ids) });
      // A challenger's label is not what the model answered the traffic: predicted-label drift counts the shown one.
      if (row.shadow === 0) counter.add(row.model_name, DRIFT_PREDICTED, "", row.time_ms, row.label, 1);
    }
    // A candidate row carries its prediction's version, time and k (both come from the one prediction event).
    for (const candidateRow of rows.candidates) {
      insertCandidate.run({
        ...candidateRow,
        model_version: row?.model_version ?? null,
        time_ms: row?.time_ms ?? null,
        k: row?.k ?? null,
      });
    }
    if (rows.exposure) insertExposure.run({ ...rows.exposure, shown_ids: json(rows.exposure.shown_ids) });
    if (rows.feedback) insertFeedback.run(rows.feedback);
    if (rows.outcome) insertOutcome.run({ ...rows.outcome, relevant_ids: json(rows.outcome.relevant_ids) });
    for (const row of rows.outcomeMetrics) insertOutcomeMetric.run(row);
    for (const row of rows.features) {
      if (insertFeature.run(row).changes > 0)
        counter.add(row.model_name, DRIFT_FEATURE, row.name, row.time_ms, row.str_value, 1);
    }
    if (rows.featureProfiles) writeProfiles(rows.featureProfiles);
    writeState(rows);
    return true;
  };
  return Object.assign(write, {
    flush() {
      counter.flush();
      writeState.flush();
    },
    reset() {
      counter.reset();
      writeState.reset();
    },
  });
}
