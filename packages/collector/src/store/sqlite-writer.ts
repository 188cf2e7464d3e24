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
  // Each event's rows are bound by position, in the order of the columns: binding by name looks each name up on
  // the row object, about a third of better-sqlite3's binding time in the write worker's profile.
  const insertEvent = db.prepare(
    `INSERT OR IGNORE INTO events (id, type, source, time_ms, received_ms, subject, prediction_id, model_name, samplerate, raw)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPrediction = db.prepare(
    `INSERT INTO predictions (event_id, prediction_id, model_name, model_version, environment, trained_at_ms, time_ms, task,
       label, score, top_ids, k, outcome_ttl_s, latency_ms, subject_key, samplerate, shadow)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCandidate = db.prepare(
    `INSERT OR IGNORE INTO candidates (event_id, prediction_id, model_name, rank, candidate_id, score, item_age_s,
       model_version, time_ms, k)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertExposure = db.prepare(
    `INSERT INTO exposures (event_id, prediction_id, model_name, time_ms, prediction_time_ms, subject_key, surface, shown_ids)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFeedback = db.prepare(
    `INSERT INTO feedback (event_id, prediction_id, model_name, time_ms, prediction_time_ms, subject_key, action, kind,
       candidate_id, position, value, dwell_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertOutcome = db.prepare(
    `INSERT INTO outcomes (event_id, prediction_id, model_name, time_ms, prediction_time_ms, subject_key, label, relevant_ids,
       source, revision)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertOutcomeMetric = db.prepare(
    `INSERT OR IGNORE INTO outcome_metrics (event_id, prediction_id, model_name, time_ms, name, value)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertFeature = db.prepare(
    `INSERT OR IGNORE INTO features (event_id, prediction_id, model_name, model_version, time_ms, name, num_value, str_value)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const writeProfiles = prepareProfileWriter(db);
  const counter = prepareDriftCounter(db);
  const writeState = prepareStateWriter(db, counter);

  const write = (rows: Rows): boolean => {
    // The event row is the dedup gate: when its id is already there, nothing else is written.
    const event = rows.event;
    const stored = insertEvent.run(
      event.id,
      event.type,
      event.source,
      event.time_ms,
      event.received_ms,
      event.subject,
      event.prediction_id,
      event.model_name,
      event.samplerate,
      event.raw,
    );
    if (stored.changes === 0) return false;
    const prediction = rows.prediction;
    if (prediction) {
      insertPrediction.run(
        prediction.event_id,
        prediction.prediction_id,
        prediction.model_name,
        prediction.model_version,
        prediction.environment,
        prediction.trained_at_ms,
        prediction.time_ms,
        prediction.task,
        prediction.label,
        prediction.score,
        json(prediction.top_ids),
        prediction.k,
        prediction.outcome_ttl_s,
        prediction.latency_ms,
        prediction.subject_key,
        prediction.samplerate,
        prediction.shadow,
      );
      // A challenger's label is not what the model answered the traffic: predicted-label drift counts the shown one.
      if (prediction.shadow === 0)
        counter.add(prediction.model_name, DRIFT_PREDICTED, "", prediction.time_ms, prediction.label, 1);
    }
    // A candidate row carries its prediction's version, time and k (both come from the one prediction event).
    for (const candidate of rows.candidates) {
      insertCandidate.run(
        candidate.event_id,
        candidate.prediction_id,
        candidate.model_name,
        candidate.rank,
        candidate.candidate_id,
        candidate.score,
        candidate.item_age_s,
        prediction?.model_version ?? null,
        prediction?.time_ms ?? null,
        prediction?.k ?? null,
      );
    }
    const exposure = rows.exposure;
    if (exposure) {
      insertExposure.run(
        exposure.event_id,
        exposure.prediction_id,
        exposure.model_name,
        exposure.time_ms,
        exposure.prediction_time_ms,
        exposure.subject_key,
        exposure.surface,
        json(exposure.shown_ids),
      );
    }
    const feedback = rows.feedback;
    if (feedback) {
      insertFeedback.run(
        feedback.event_id,
        feedback.prediction_id,
        feedback.model_name,
        feedback.time_ms,
        feedback.prediction_time_ms,
        feedback.subject_key,
        feedback.action,
        feedback.kind,
        feedback.candidate_id,
        feedback.position,
        feedback.value,
        feedback.dwell_ms,
      );
    }
    const outcome = rows.outcome;
    if (outcome) {
      insertOutcome.run(
        outcome.event_id,
        outcome.prediction_id,
        outcome.model_name,
        outcome.time_ms,
        outcome.prediction_time_ms,
        outcome.subject_key,
        outcome.label,
        json(outcome.relevant_ids),
        outcome.source,
        outcome.revision,
      );
    }
    for (const metric of rows.outcomeMetrics) {
      insertOutcomeMetric.run(
        metric.event_id,
        metric.prediction_id,
        metric.model_name,
        metric.time_ms,
        metric.name,
        metric.value,
      );
    }
    for (const feature of rows.features) {
      const added = insertFeature.run(
        feature.event_id,
        feature.prediction_id,
        feature.model_name,
        feature.model_version,
        feature.time_ms,
        feature.name,
        feature.num_value,
        feature.str_value,
      );
      if (added.changes > 0)
        counter.add(feature.model_name, DRIFT_FEATURE, feature.name, feature.time_ms, feature.str_value, 1);
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
