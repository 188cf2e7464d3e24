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
const withDay = <T extends { time_ms: number }>(result: T) => ({ ...result, day: day(result.time_ms) });

/**
 * The rows of each ClickHouse table for a batch of flattened events: the derived tables, then
 * `events` last (an events row means "all of it is in"). Shared by the collector's ClickHouse
 * store and `@inferlog/clickhouse`, which writes the same tables without a collector.
 */
export function clickhouseTableRows(batch: readonly Rows[]): { derived: TableInsert[]; events: TableInsert } {
  return {
    derived: [
      { table: "predictions", rows: batch.flatMap((rows) => (rows.prediction ? [withDay(rows.prediction)] : [])) },
      {
        table: "candidates",
        rows: batch.flatMap((rows) =>
          rows.candidates.map((candidate) => ({ ...candidate, day: day(rows.event.time_ms) })),
        ),
      },
      { table: "exposures", rows: batch.flatMap((rows) => (rows.exposure ? [withDay(rows.exposure)] : [])) },
      { table: "feedback", rows: batch.flatMap((rows) => (rows.feedback ? [withDay(rows.feedback)] : [])) },
      { table: "outcomes", rows: batch.flatMap((rows) => (rows.outcome ? [withDay(rows.outcome)] : [])) },
      { table: "outcome_metrics", rows: batch.flatMap((rows) => rows.outcomeMetrics.map(withDay)) },
      {
        table: "features",
        // Sorting keys cannot be Nullable: features logged without a prediction get ''.
        rows: batch.flatMap((rows) =>
          rows.features.map((feature) => ({ ...withDay(feature), prediction_id: feature.prediction_id ?? "" })),
        ),
      },
      {
        table: "feature_profiles",
        rows: batch.flatMap((rows) =>
          (rows.featureProfiles ?? []).map((row) => ({ ...row, day: day(row.window_start_ms) })),
        ),
      },
    ],
    events: { table: "events", rows: batch.map((rows) => withDay(rows.event)) },
  };
}
