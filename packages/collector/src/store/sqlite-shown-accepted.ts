import type Database from "better-sqlite3";
import type { FeedbackRow } from "./rows.js";
import { hourOf } from "./sqlite-drift-counts.js";

/** A shown_counts key: model, hour, version, candidate id, rank (0 when the prediction's k decided), accepted. */
export type ShownKey = [string, number, string, string, number, number];

interface CandidateRow {
  rank: number;
  candidate_id: string;
  model_version: string;
  time_ms: number | null;
  k: number | null;
}
interface AcceptedRow {
  event_id: string;
  candidate_id: string | null;
  position: number | null;
}

/** Feedback names a candidate by its id, or by its 0-based position (rank − 1); a NULL names nothing (SQL's `=`). */
const names = (feedback: { candidate_id: string | null; position: number | null }, candidate: CandidateRow) =>
  (feedback.candidate_id !== null && feedback.candidate_id === candidate.candidate_id) ||
  (feedback.position !== null && feedback.position + 1 === candidate.rank);

/**
 * What an accepted feedback row (stored just before) moves in shown_counts: each shown candidate of its key that it
 * names, and that no other accepted feedback of the key named, goes from not accepted (−1) to accepted (+1).
 * The moves are handed to `add`, summed with the batch's other counts (they only add, in any order), instead of one
 * INSERT ... SELECT with a GROUP BY per accepted feedback (`SHOWN_COUNTS_FROM_ROWS` in sqlite-report-counts.ts
 * counts the same from the rows).
 */
export function prepareAcceptedMove(
  db: Database.Database,
  add: (key: ShownKey, count: number) => void,
): (row: FeedbackRow) => void {
  const candidatesOf = db.prepare(
    "SELECT rank, candidate_id, model_version, time_ms, k FROM candidates WHERE model_name = ? AND prediction_id = ?",
  );
  const acceptedOf = db.prepare(
    `SELECT event_id, candidate_id, position FROM feedback
     WHERE model_name = ? AND prediction_id = ? AND action = 'accepted'`,
  );
  return (row) => {
    const shown = (candidatesOf.all(row.model_name, row.prediction_id) as CandidateRow[]).filter(
      (candidate) =>
        candidate.time_ms !== null && (candidate.k === null || candidate.rank <= candidate.k) && names(row, candidate),
    );
    if (shown.length === 0) return;
    const others = (acceptedOf.all(row.model_name, row.prediction_id) as AcceptedRow[]).filter(
      (feedback) => feedback.event_id !== row.event_id,
    );
    for (const candidate of shown) {
      if (others.some((feedback) => names(feedback, candidate))) continue;
      const hour = hourOf(candidate.time_ms as number);
      const rank = candidate.k === null ? candidate.rank : 0;
      add([row.model_name, hour, candidate.model_version, candidate.candidate_id, rank, 0], -1);
      add([row.model_name, hour, candidate.model_version, candidate.candidate_id, rank, 1], 1);
    }
  };
}
