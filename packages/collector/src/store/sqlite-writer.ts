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
    const row = rows.prediction;
    if (row) {
      insertPrediction.run(
        row.event_id,
        row.prediction_id,
        row.model_name,
        row.model_version,
        row.environment,
        row.trained_at_ms,
        row.time_ms,
        row.task,
        row.label,
        row.score,
        json(row.top_ids),
        row.k,
        row.outcome_ttl_s,
        row.latency_ms,
        row.subject_key,
        row.samplerate,
        row.shadow,
      );
      // A challenger's label is not what the model answered the traffic: predicted-label drift counts the shown one.
      if (row.shadow === 0) counter.add(row.model_name, DRIFT_PREDICTED, "", row.time_ms, row.label, 1);
    }
    // A candidate row carries its prediction's version, time and k (both come from the one prediction event).
    for (const c of rows.candidates) {
      insertCandidate.run(
        c.event_id,
        c.prediction_id,
        c.model_name,
        c.rank,
        c.candidate_id,
        c.score,
        c.item_age_s,
        row?.model_version ?? null,
        row?.time_ms ?? null,
        row?.k ?? null,
      );
    }
    const x = rows.exposure;
    if (x) {
      insertExposure.run(
        x.event_id,
        x.prediction_id,
        x.model_name,
        x.time_ms,
        x.prediction_time_ms,
        x.subject_key,
        x.surface,
        json(x.shown_ids),
      );
    }
    const f = rows.feedback;
    if (f) {
      insertFeedback.run(
        f.event_id,
        f.prediction_id,
        f.model_name,
        f.time_ms,
        f.prediction_time_ms,
        f.subject_key,
        f.action,
        f.kind,
        f.candidate_id,
        f.position,
        f.value,
        f.dwell_ms,
      );
    }
    const o = rows.outcome;
    if (o) {
      insertOutcome.run(
        o.event_id,
        o.prediction_id,
        o.model_name,
        o.time_ms,
        o.prediction_time_ms,
        o.subject_key,
        o.label,
        json(o.relevant_ids),
        o.source,
        o.revision,
      );
    }
    for (const m of rows.outcomeMetrics) {
      insertOutcomeMetric.run(m.event_id, m.prediction_id, m.model_name, m.time_ms, m.name, m.value);
    }
    for (const f of rows.features) {
      const added = insertFeature.run(
        f.event_id,
        f.prediction_id,
        f.model_name,
        f.model_version,
        f.time_ms,
        f.name,
        f.num_value,
        f.str_value,
      );
      if (added.changes > 0) counter.add(f.model_name, DRIFT_FEATURE, f.name, f.time_ms, f.str_value, 1);
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
