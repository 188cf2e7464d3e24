import type { Rows } from "./rows.js";

/** A ClickHouse table of the collector's schema and the JSONEachRow rows to insert into it. */
export interface TableInsert {
  table:
    | "predictions"
    | "candidates"
    | "exposures"
    | "feedback"
    | "outcomes"
    | "outcome_metrics"
    | "features"
    | "feature_profiles"
    | "events";
  rows: object[];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const withDay = <T extends { time_ms: number }>(r: T) => ({ ...r, day: day(r.time_ms) });

/**
 * The rows of each ClickHouse table for a batch of flattened events: the derived tables, then
 * `events` last (an events row means "all of it is in"). Shared by the collector's ClickHouse
 * store and `@inferlog/clickhouse`, which writes the same tables without a collector.
 */
export function clickhouseTableRows(batch: readonly Rows[]): { derived: TableInsert[]; events: TableInsert } {
  return {
    derived: [
      { table: "predictions", rows: batch.flatMap((r) => (r.prediction ? [withDay(r.prediction)] : [])) },
      {
        table: "candidates",
        rows: batch.flatMap((r) => r.candidates.map((c) => ({ ...c, day: day(r.event.time_ms) }))),
      },
      { table: "exposures", rows: batch.flatMap((r) => (r.exposure ? [withDay(r.exposure)] : [])) },
      { table: "feedback", rows: batch.flatMap((r) => (r.feedback ? [withDay(r.feedback)] : [])) },
      { table: "outcomes", rows: batch.flatMap((r) => (r.outcome ? [withDay(r.outcome)] : [])) },
      { table: "outcome_metrics", rows: batch.flatMap((r) => r.outcomeMetrics.map(withDay)) },
      {
        table: "features",
        // Sorting keys cannot be Nullable: features logged without a prediction get ''.
        rows: batch.flatMap((r) => r.features.map((f) => ({ ...withDay(f), prediction_id: f.prediction_id ?? "" }))),
      },
      {
        table: "feature_profiles",
        rows: batch.flatMap((r) => (r.featureProfiles ?? []).map((p) => ({ ...p, day: day(p.window_start_ms) }))),
      },
    ],
    events: { table: "events", rows: batch.map((r) => withDay(r.event)) },
  };
}
