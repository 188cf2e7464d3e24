import type Database from "better-sqlite3";
import { keyedSums } from "./keyed-sums.js";

/**
 * Drift counts kept at ingest (schema 5): rows per model, source, name, UTC hour and text value, so a report
 * counts the bins of a categorical feature or a label per window from a few rows per hour instead of reading
 * every prediction. The text value is what categorical drift bins (`str_value` of a feature, the predicted
 * label, the latest outcome's label); NULL is kept apart from '' by `is_null`. Numeric drift needs the
 * values themselves (its bins are the reference window's deciles) and still reads the feature rows.
 */
export const DRIFT_FEATURE = 0;
/** The prediction's label, at the prediction's time. */
export const DRIFT_PREDICTED = 1;
/** The label of the prediction's latest outcome (outcome_state), at the prediction's time; one per prediction row. */
export const DRIFT_TRUE = 2;
export type DriftSource = typeof DRIFT_FEATURE | typeof DRIFT_PREDICTED | typeof DRIFT_TRUE;

export const HOUR_MS = 3_600_000;
/** Start of the UTC hour holding `ms` (floor, also before 1970). */
export const hourOf = (ms: number): number => ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
/** The same in SQL. */
export const hourOfSql = (col: string): string => `(${col} - (((${col} % ${HOUR_MS}) + ${HOUR_MS}) % ${HOUR_MS}))`;

export interface DriftCounter {
  /** Adds `n` (negative to take back) rows of `value` at `timeMs`; kept in memory until `flush`. */
  add(model: string, source: DriftSource, name: string, timeMs: number, value: string | null, count: number): void;
  /** Writes what was added since the last flush (or reset); call before the batch's transaction commits. */
  flush(): void;
  /** Forgets what was added since the last flush (the batch's transaction rolled back). */
  reset(): void;
}

/**
 * Sums a batch's counts in memory and writes one upsert per distinct key: a batch of predictions spans a
 * few hours, so this costs a few statements per batch instead of one per feature row.
 */
export function prepareDriftCounter(db: Database.Database): DriftCounter {
  const upsert = db.prepare(
    `INSERT INTO drift_counts (model_name, source, name, hour_ms, is_null, value, cnt)
     VALUES (@model, @source, @name, @hour, @is_null, @value, @n)
     ON CONFLICT (model_name, source, name, hour_ms, is_null, value) DO UPDATE SET cnt = cnt + excluded.cnt`,
  );
  const dropEmpty = db.prepare(
    `DELETE FROM drift_counts WHERE model_name = @model AND source = @source AND name = @name AND hour_ms = @hour
       AND is_null = @is_null AND value = @value AND cnt = 0`,
  );
  const sums = keyedSums<[model: string, source: DriftSource, name: string, hour: number, value: string | null]>();
  return {
    add(model, source, name, timeMs, value, count) {
      sums.add([model, source, name, hourOf(timeMs), value], count);
    },
    flush() {
      for (const { key, n } of sums.take()) {
        if (n === 0) continue;
        const [model, source, name, hour, value] = key;
        const row = { model, source, name, hour, is_null: value === null ? 1 : 0, value: value ?? "", n };
        upsert.run(row);
        // Counts only fall when a prediction's latest outcome changes label; a bin that empties goes.
        if (n < 0) dropEmpty.run(row);
      }
    },
    reset() {
      sums.clear();
    },
  };
}

/**
 * The drift counts from the stored rows, as the writer keeps them (a file written before schema 5, and the
 * reference the state test compares the writer to). Needs outcome_state filled.
 */
export const DRIFT_COUNTS_FROM_ROWS = `
  SELECT model_name, ${DRIFT_FEATURE} AS source, name, ${hourOfSql("time_ms")} AS hour_ms,
    str_value IS NULL AS is_null, COALESCE(str_value, '') AS value, COUNT(*) AS cnt
  FROM features GROUP BY model_name, name, hour_ms, is_null, value
  UNION ALL
  SELECT model_name, ${DRIFT_PREDICTED}, '', ${hourOfSql("time_ms")} AS hour_ms, label IS NULL AS is_null,
    COALESCE(label, '') AS value, COUNT(*)
  FROM predictions WHERE shadow = 0 GROUP BY model_name, hour_ms, is_null, value
  UNION ALL
  SELECT p.model_name, ${DRIFT_TRUE}, '', ${hourOfSql("p.time_ms")} AS hour_ms, o.label IS NULL AS is_null,
    COALESCE(o.label, '') AS value, COUNT(*)
  FROM predictions p JOIN outcome_state o ON o.model_name = p.model_name AND o.prediction_id = p.prediction_id
  WHERE p.shadow = 0 GROUP BY p.model_name, hour_ms, is_null, value`;

/** Fills drift_counts from the stored rows (a file written before schema 5); idempotent. */
export function fillDriftCounts(db: Database.Database): void {
  db.exec("DELETE FROM drift_counts");
  db.exec(
    `INSERT INTO drift_counts (model_name, source, name, hour_ms, is_null, value, cnt) ${DRIFT_COUNTS_FROM_ROWS}`,
  );
}
