import type Database from "better-sqlite3";
import type { OutcomeRow } from "./rows.js";
import { DRIFT_TRUE, type DriftCounter } from "./sqlite-drift-counts.js";
import { firstRank } from "./sqlite-functions.js";

/** A key's outcome_state row as stored. */
interface OutcomeState {
  event_id: string;
  revision: number;
  time_ms: number;
  label: string | null;
  relevant_ids: string;
  first_ms: number;
}

/** The outcome_state row an outcome leaves, bound by name in its INSERT or UPDATE. */
interface NextState extends OutcomeState {
  model_name: string;
  prediction_id: string;
}

/**
 * SQLite's order of the latest_outcomes view, (revision, time_ms, event_id) compared as a row value: numbers as
 * numbers, the ids as UTF-8 bytes (SQLite's BINARY collation), which JavaScript's `<` on UTF-16 units is not.
 */
function isLater(row: OutcomeRow, stored: OutcomeState): boolean {
  if (row.revision !== stored.revision) return row.revision > stored.revision;
  if (row.time_ms !== stored.time_ms) return row.time_ms > stored.time_ms;
  return Buffer.compare(Buffer.from(row.event_id), Buffer.from(stored.event_id)) > 0;
}

/**
 * An outcome's upkeep at ingest, decided here from the key's outcome_state row read once, instead of an upsert
 * with RETURNING and then an UPDATE of every prediction row from outcome_state (one statement of each per
 * outcome cost about as much as the outcome's own rows): outcome_state moves to this outcome when it is later
 * than the stored one (revision, then time, then event id, as `outcomeUpsert` in sqlite-state.ts), first_ms to the
 * least outcome time; the prediction rows of the key get the new label_rank and their copy of the state (schema 9)
 * in one UPDATE each, and the true-label drift counts move with the label. Returns whether a prediction of the key
 * is stored (the orphan counts read it).
 */
export function prepareOutcomeWriter(db: Database.Database, counter: DriftCounter): (row: OutcomeRow) => boolean {
  const stateOf = db.prepare(
    `SELECT event_id, revision, time_ms, label, relevant_ids, first_ms FROM outcome_state
     WHERE model_name = ? AND prediction_id = ?`,
  );
  // Both bind one `NextState` by name.
  const insertState = db.prepare(
    `INSERT INTO outcome_state (model_name, prediction_id, event_id, revision, time_ms, label, relevant_ids, first_ms)
     VALUES (@model_name, @prediction_id, @event_id, @revision, @time_ms, @label, @relevant_ids, @first_ms)`,
  );
  const updateState = db.prepare(
    `UPDATE outcome_state SET event_id = @event_id, revision = @revision, time_ms = @time_ms, label = @label,
       relevant_ids = @relevant_ids, first_ms = @first_ms
     WHERE model_name = @model_name AND prediction_id = @prediction_id`,
  );
  const updateFirst = db.prepare("UPDATE outcome_state SET first_ms = ? WHERE model_name = ? AND prediction_id = ?");
  const predictionsOf = db.prepare(
    "SELECT rowid, top_ids, time_ms, shadow FROM predictions WHERE model_name = ? AND prediction_id = ?",
  );
  const predictionStored = db.prepare("SELECT 1 FROM predictions WHERE model_name = ? AND prediction_id = ? LIMIT 1");
  const copyLatest = db.prepare(
    "UPDATE predictions SET label_rank = ?, o_event_id = ?, o_label = ?, o_rel = ?, o_first_ms = ? WHERE rowid = ?",
  );
  const copyFirst = db.prepare("UPDATE predictions SET o_first_ms = ? WHERE rowid = ?");

  return (row) => {
    const before = stateOf.get(row.model_name, row.prediction_id) as OutcomeState | undefined;
    const latest = before === undefined || isLater(row, before);
    const firstMs = before === undefined ? row.time_ms : Math.min(before.first_ms, row.time_ms);
    if (before !== undefined && !latest && firstMs === before.first_ms) {
      return predictionStored.get(row.model_name, row.prediction_id) !== undefined;
    }
    const relevantIds = JSON.stringify(row.relevant_ids);
    if (latest) {
      const next: NextState = {
        model_name: row.model_name,
        prediction_id: row.prediction_id,
        event_id: row.event_id,
        revision: row.revision,
        time_ms: row.time_ms,
        label: row.label,
        relevant_ids: relevantIds,
        first_ms: firstMs,
      };
      (before === undefined ? insertState : updateState).run(next);
    } else {
      updateFirst.run(firstMs, row.model_name, row.prediction_id);
    }
    const predictions = predictionsOf.all(row.model_name, row.prediction_id) as {
      rowid: number;
      top_ids: string;
      time_ms: number;
      shadow: number;
    }[];
    if (!latest) {
      for (const prediction of predictions) copyFirst.run(firstMs, prediction.rowid);
      return predictions.length > 0;
    }
    // True labels count once per request (with its shown prediction): they move when the latest label changes.
    const relabeled = before === undefined || before.label !== row.label;
    for (const prediction of predictions) {
      const rank = firstRank(JSON.parse(prediction.top_ids) as unknown[], row.relevant_ids, row.label);
      copyLatest.run(rank, row.event_id, row.label, relevantIds, firstMs, prediction.rowid);
      if (!relabeled || prediction.shadow === 1) continue;
      if (before) counter.add(row.model_name, DRIFT_TRUE, "", prediction.time_ms, before.label, -1);
      counter.add(row.model_name, DRIFT_TRUE, "", prediction.time_ms, row.label, 1);
    }
    return predictions.length > 0;
  };
}
