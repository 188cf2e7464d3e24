import type Database from "better-sqlite3";
import { keyedSums } from "./keyed-sums.js";
import type { Rows } from "./rows.js";
import { hourOf, hourOfSql } from "./sqlite-drift-counts.js";

/**
 * Schema 9: counts a report reads instead of rescanning raw rows, kept by the writer at ingest in the batch's
 * own transaction (SQL statements, like sqlite-state.ts's upserts). Every one is an integer count per UTC hour
 * that moves by +1/−1 as rows arrive, so any arrival order gives the same table; a report reads whole hours
 * from here and the rest of its range (less than an hour at either end, or before 1970) from the rows.
 *
 * shown_counts: shown candidate rows (rank ≤ the prediction's k; with no k, the rank is kept for the report's k)
 *   per model, version, hour of the prediction, candidate id and whether accepted feedback names the candidate
 *   (by id or position), for freshness. Rows of count 0 may remain (a key whose rows all became accepted).
 * orphan_counts: outcome (is_o = 1) and feedback rows per model, hour of their prediction time (else their own
 *   time) and whether no prediction of their key is stored (orphan = 1), for the orphan counts.
 * accepted_position: the least position of a prediction's accepted feedback that has one, for business by use.
 * predictions.o_event_id, o_label, o_rel, o_first_ms: each prediction row's copy of its outcome_state row (the
 *   latest outcome's id, label and relevant ids, and the first outcome's time; NULL while none arrived), so the
 *   report's per-prediction relation reads one table instead of joining outcome_state for every prediction.
 */
export const REPORT_COUNTS_DDL = `
CREATE TABLE IF NOT EXISTS shown_counts (
  model_name TEXT NOT NULL,
  hour_ms INTEGER NOT NULL,
  model_version TEXT NOT NULL,
  candidate_id TEXT NOT NULL,
  rank INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  cnt INTEGER NOT NULL,
  PRIMARY KEY (model_name, hour_ms, model_version, candidate_id, rank, accepted)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS orphan_counts (
  model_name TEXT NOT NULL,
  hour_ms INTEGER NOT NULL,
  is_o INTEGER NOT NULL,
  orphan INTEGER NOT NULL,
  cnt INTEGER NOT NULL,
  PRIMARY KEY (model_name, hour_ms, is_o, orphan)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accepted_position (
  model_name TEXT NOT NULL,
  prediction_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (model_name, prediction_id)
) WITHOUT ROWID;`;

/** A candidate row is shown when its rank is within its prediction's k; with no k, the report's k decides. */
const SHOWN = "c.time_ms IS NOT NULL AND (c.k IS NULL OR c.rank <= c.k)";
/** The rank kept per shown candidate: 0 when its prediction's k already decided, else the rank itself. */
const SHOWN_RANK = "CASE WHEN c.k IS NULL THEN c.rank ELSE 0 END";
/** Accepted feedback of the candidate's prediction names the candidate (by id, or by 0-based position). */
const acceptedBy = (feedback: string) =>
  `EXISTS (SELECT 1 FROM feedback f WHERE f.model_name = c.model_name AND f.prediction_id = c.prediction_id
    AND f.action = 'accepted' AND (f.candidate_id = c.candidate_id OR f.position + 1 = c.rank) ${feedback})`;

const shownUpsert = (select: string) =>
  `INSERT INTO shown_counts (model_name, hour_ms, model_version, candidate_id, rank, accepted, cnt) ${select}
   ON CONFLICT (model_name, hour_ms, model_version, candidate_id, rank, accepted) DO UPDATE SET cnt = cnt + excluded.cnt`;
/**
 * Accepted feedback `@event_id` (stored just before) moves the shown candidates it names, and that no earlier
 * accepted feedback named, from not accepted to accepted.
 */
const shownAccepted = shownUpsert(`SELECT c.model_name, ${hourOfSql("c.time_ms")} AS hour_ms, c.model_version,
    c.candidate_id, ${SHOWN_RANK} AS rk, m.acc, SUM(m.delta)
  FROM candidates c, (SELECT 0 AS acc, -1 AS delta UNION ALL SELECT 1, 1) m
  WHERE c.model_name = @model_name AND c.prediction_id = @prediction_id AND ${SHOWN}
    AND (c.candidate_id = @candidate_id OR @position + 1 = c.rank)
    AND NOT ${acceptedBy("AND f.event_id <> @event_id")}
  GROUP BY c.model_name, hour_ms, c.model_version, c.candidate_id, rk, m.acc`);

const orphanUpsert = (select: string) =>
  `INSERT INTO orphan_counts (model_name, hour_ms, is_o, orphan, cnt) ${select}
   ON CONFLICT (model_name, hour_ms, is_o, orphan) DO UPDATE SET cnt = cnt + excluded.cnt`;
const noPrediction = (model: string, pid: string, other = "") =>
  `NOT EXISTS (SELECT 1 FROM predictions p WHERE p.model_name = ${model} AND p.prediction_id = ${pid} ${other})`;
/** The first prediction of a key (`@event_id`, stored just before) takes its outcomes and feedback out of the orphans. */
const adopted = (table: string, isO: number) =>
  orphanUpsert(`SELECT x.model_name, ${hourOfSql("COALESCE(x.prediction_time_ms, x.time_ms)")} AS hour_ms, ${isO},
      m.orphan, SUM(m.delta)
    FROM ${table} x, (SELECT 1 AS orphan, -1 AS delta UNION ALL SELECT 0, 1) m
    WHERE x.model_name = @model_name AND x.prediction_id = @prediction_id
      AND ${noPrediction("@model_name", "@prediction_id", "AND p.event_id <> @event_id")}
    GROUP BY x.model_name, hour_ms, m.orphan`);

const positionUpsert = (select: string) =>
  `INSERT INTO accepted_position (model_name, prediction_id, position) ${select}
   ON CONFLICT (model_name, prediction_id) DO UPDATE SET position = MIN(position, excluded.position)`;
const ACCEPTED_WITH_POSITION = "action = 'accepted' AND position IS NOT NULL";

/** The columns each prediction row copies from its outcome_state row (schema 9). */
export const PREDICTION_OUTCOME_COLUMNS = [
  ["o_event_id", "event_id", "TEXT"],
  ["o_label", "label", "TEXT"],
  ["o_rel", "relevant_ids", "TEXT"],
  ["o_first_ms", "first_ms", "INTEGER"],
] as const;
const outcomeCopy = (where: string) =>
  `UPDATE predictions SET (${PREDICTION_OUTCOME_COLUMNS.map(([column]) => column).join(", ")}) =
    (SELECT ${PREDICTION_OUTCOME_COLUMNS.map(([, source]) => `o.${source}`).join(", ")} FROM outcome_state o
      WHERE o.model_name = predictions.model_name AND o.prediction_id = predictions.prediction_id)
  WHERE ${where}`;

/** What the state writer already read for a prediction's key before its rows were counted (sqlite-state.ts). */
export interface KeyState {
  /** An outcome_state row of the key exists (an outcome arrived first). */
  outcome: boolean;
  /** The key's exposure_state row (an exposure or feedback arrived first), or undefined. */
  exposure: { accepted: number } | undefined;
  /** Of an outcome: whether a prediction of its key is stored (sqlite-outcome-state.ts read it); else undefined. */
  predictionStored?: boolean;
}

/** Upkeep of the schema-9 counts: `write` per event, `flush` before the transaction commits, `reset` after a rollback. */
export interface ReportCounts {
  write(rows: Rows, key: KeyState): void;
  flush(): void;
  reset(): void;
}

/** A shown candidate's count key: model, hour, version, candidate id, rank kept (0: its k decided), accepted. */
type ShownKey = [model: string, hour: number, version: string, candidate: string, rank: number, accepted: number];
/** An outcome's or feedback's count key: model, hour, is_o (1: outcome), orphan. */
type OrphanKey = [model: string, hour: number, isO: number, orphan: number];

/**
 * Prepared upkeep of the schema-9 counts for one event's rows; call after its rows were written, in the same
 * transaction. The counts of new rows (a prediction's shown candidates, each outcome and feedback row) are summed in
 * memory per key and written by `flush`, a few upserts per batch instead of a statement per row: every count only
 * moves by adding, so the order of the statements does not matter. What moves counts of rows stored earlier (an
 * accepted feedback, a key's first prediction adopting its outcomes and feedback) stays in SQL, and runs only when
 * there is something to move.
 */
export function prepareReportCounts(db: Database.Database): ReportCounts {
  const accepted = db.prepare(shownAccepted);
  const adoptedOutcomes = db.prepare(adopted("outcomes", 1));
  const adoptedFeedback = db.prepare(adopted("feedback", 0));
  const position = db.prepare(positionUpsert("VALUES (@model_name, @prediction_id, @position)"));
  const acceptedFeedback = db.prepare(
    "SELECT candidate_id, position FROM feedback WHERE model_name = ? AND prediction_id = ? AND action = 'accepted'",
  );
  const predictionOf = db.prepare("SELECT 1 FROM predictions WHERE model_name = ? AND prediction_id = ? LIMIT 1");
  const shownAdd = db.prepare(
    shownUpsert("VALUES (@model_name, @hour_ms, @model_version, @candidate_id, @rank, @accepted, @cnt)"),
  );
  const orphanAdd = db.prepare(orphanUpsert("VALUES (@model_name, @hour_ms, @is_o, @orphan, @cnt)"));
  // A new prediction row copies an outcome that came first.
  const copyToPrediction = db.prepare(
    outcomeCopy(`event_id = @event_id AND EXISTS (SELECT 1 FROM outcome_state o
      WHERE o.model_name = predictions.model_name AND o.prediction_id = predictions.prediction_id)`),
  );
  const shown = keyedSums<ShownKey>();
  const orphans = keyedSums<OrphanKey>();
  const addOrphan = (row: LinkedCounted, isO: number, predictionStored?: boolean) => {
    const stored = predictionStored ?? predictionOf.get(row.model_name, row.prediction_id) !== undefined;
    orphans.add([row.model_name, hourOf(row.prediction_time_ms ?? row.time_ms), isO, stored ? 0 : 1], 1);
  };
  /** A new prediction's shown candidate rows (as `shownFrom` counted them from the stored rows). */
  const countShown = (rows: Rows, key: KeyState) => {
    const prediction = rows.prediction as NonNullable<Rows["prediction"]>;
    // Accepted feedback that came before the prediction names candidates by id or by 0-based position.
    const named = key.exposure?.accepted
      ? (acceptedFeedback.all(prediction.model_name, prediction.prediction_id) as {
          candidate_id: string | null;
          position: number | null;
        }[])
      : [];
    const hour = hourOf(prediction.time_ms);
    // The candidate rows' key is (event_id, rank, candidate_id): a repeated pair is stored (and counted) once.
    const seen = new Set<string>();
    for (const candidate of rows.candidates) {
      if (!(prediction.k === null || candidate.rank <= prediction.k)) continue;
      const pair = `${candidate.rank}\u0000${candidate.candidate_id}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      const acc = named.some(
        (f) =>
          (f.candidate_id !== null && f.candidate_id === candidate.candidate_id) ||
          (f.position !== null && f.position + 1 === candidate.rank),
      );
      const rank = prediction.k === null ? candidate.rank : 0;
      shown.add([prediction.model_name, hour, prediction.model_version, candidate.candidate_id, rank, acc ? 1 : 0], 1);
    }
  };
  return {
    write(rows, key) {
      if (rows.prediction) {
        const row = rows.prediction;
        const ids = { model_name: row.model_name, prediction_id: row.prediction_id, event_id: row.event_id };
        if (rows.candidates.length > 0) countShown(rows, key);
        // Outcomes and feedback stored before the key's first prediction stop being orphans; with neither an
        // outcome_state nor an exposure_state row, the key has no such rows.
        if (key.outcome) {
          adoptedOutcomes.run(ids);
          copyToPrediction.run({ event_id: row.event_id });
        }
        if (key.exposure) adoptedFeedback.run(ids);
      }
      // The outcome's copies on its prediction rows were made with its state (sqlite-outcome-state.ts).
      if (rows.outcome) addOrphan(rows.outcome, 1, key.predictionStored);
      const row = rows.feedback;
      if (row) {
        addOrphan(row, 0);
        if (row.action === "accepted") {
          accepted.run({
            model_name: row.model_name,
            prediction_id: row.prediction_id,
            event_id: row.event_id,
            candidate_id: row.candidate_id,
            position: row.position,
          });
          if (row.position !== null) {
            position.run({ model_name: row.model_name, prediction_id: row.prediction_id, position: row.position });
          }
        }
      }
    },
    flush() {
      for (const { key, n } of shown.take()) {
        const [model_name, hour_ms, model_version, candidate_id, rank, accepted] = key;
        shownAdd.run({ model_name, hour_ms, model_version, candidate_id, rank, accepted, cnt: n });
      }
      for (const { key, n } of orphans.take()) {
        const [model_name, hour_ms, is_o, orphan] = key;
        orphanAdd.run({ model_name, hour_ms, is_o, orphan, cnt: n });
      }
    },
    reset() {
      shown.clear();
      orphans.clear();
    },
  };
}

interface LinkedCounted {
  model_name: string;
  prediction_id: string;
  time_ms: number;
  prediction_time_ms: number | null;
}

/**
 * The schema-9 counts as the stored rows give them: what `migrateToSchema9` fills an older file with, and what the
 * state test compares the writer's upkeep to.
 */
export const SHOWN_COUNTS_FROM_ROWS = `SELECT model_name, hour_ms, model_version, candidate_id, rk AS rank, acc AS accepted,
    cnt FROM (SELECT c.model_name, ${hourOfSql("c.time_ms")} AS hour_ms, c.model_version, c.candidate_id,
      ${SHOWN_RANK} AS rk, ${acceptedBy("")} AS acc, COUNT(*) AS cnt
    FROM candidates c WHERE ${SHOWN} GROUP BY c.model_name, hour_ms, c.model_version, c.candidate_id, rk, acc)`;
export const ORPHAN_COUNTS_FROM_ROWS = ["outcomes", "feedback"]
  .map(
    (table) => `SELECT x.model_name, ${hourOfSql("COALESCE(x.prediction_time_ms, x.time_ms)")} AS hour_ms,
      ${table === "outcomes" ? 1 : 0} AS is_o, ${noPrediction("x.model_name", "x.prediction_id")} AS orphan, COUNT(*) AS cnt
    FROM ${table} x GROUP BY x.model_name, hour_ms, orphan`,
  )
  .join(" UNION ALL ");
export const ACCEPTED_POSITION_FROM_ROWS = `SELECT model_name, prediction_id, MIN(position) AS position FROM feedback
  WHERE ${ACCEPTED_WITH_POSITION} GROUP BY model_name, prediction_id`;

/**
 * Schema 9, self-contained: creates the report count tables and the predictions' outcome columns, and fills them
 * once from the rows (and outcome_state) an older file holds; idempotent.
 */
export function migrateToSchema9(db: Database.Database): void {
  db.exec(REPORT_COUNTS_DDL);
  const columns = new Set((db.pragma("table_info(predictions)") as { name: string }[]).map((column) => column.name));
  for (const [column, , type] of PREDICTION_OUTCOME_COLUMNS) {
    if (!columns.has(column)) db.exec(`ALTER TABLE predictions ADD COLUMN ${column} ${type}`);
  }
  db.exec(outcomeCopy("true"));
  db.exec("DELETE FROM shown_counts; DELETE FROM orphan_counts; DELETE FROM accepted_position;");
  db.exec(
    `INSERT INTO shown_counts (model_name, hour_ms, model_version, candidate_id, rank, accepted, cnt) ${SHOWN_COUNTS_FROM_ROWS}`,
  );
  db.exec(`INSERT INTO orphan_counts (model_name, hour_ms, is_o, orphan, cnt) ${ORPHAN_COUNTS_FROM_ROWS}`);
  db.exec(`INSERT INTO accepted_position (model_name, prediction_id, position) ${ACCEPTED_POSITION_FROM_ROWS}`);
}
