import type Database from "better-sqlite3";
import type { FeatureProfileRow } from "./profile-rows.js";

/** Prepared insert of profile rows; runs inside the event's transaction, after its dedup gate. */
export function prepareProfileWriter(db: Database.Database): (rows: readonly FeatureProfileRow[]) => void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO feature_profiles (event_id, model_name, model_version, window_start_ms, window_end_ms, feature,
       kind, count, nulls, sum, min, max, relative_accuracy, sketch, distinct_estimate, top_values)
     VALUES (@event_id, @model_name, @model_version, @window_start_ms, @window_end_ms, @feature,
       @kind, @count, @nulls, @sum, @min, @max, @relative_accuracy, @sketch, @distinct_estimate, @top_values)`,
  );
  return (rows) => {
    for (const row of rows) insert.run(row);
  };
}
