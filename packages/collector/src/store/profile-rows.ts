import type { FeatureProfileEvent } from "@inferlog/core";

/**
 * One column of one `ml.feature_profile` event. Sketch bins and top values are JSON text in
 * both stores: they are merged per window in TypeScript (adding counts per bin index), which
 * is the same code for SQLite and ClickHouse.
 */
export interface FeatureProfileRow {
  event_id: string;
  model_name: string;
  model_version: string;
  window_start_ms: number;
  window_end_ms: number;
  feature: string;
  kind: string;
  count: number;
  nulls: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  relative_accuracy: number | null;
  /** `{"positive":{index:count},"negative":{index:count},"zeroCount":n}` or null. */
  sketch: string | null;
  distinct_estimate: number | null;
  /** `[{"value":…,"count":…}]`, or null when the column was sensitive or numeric. */
  top_values: string | null;
}

export function profileRows(event: FeatureProfileEvent): FeatureProfileRow[] {
  const entry = event.data;
  const start = Date.parse(entry.windowStart);
  const end = Date.parse(entry.windowEnd);
  return Object.entries(entry.columns).map(([feature, config]) => ({
    event_id: event.id,
    model_name: entry.model.name,
    model_version: entry.model.version,
    window_start_ms: start,
    window_end_ms: end,
    feature,
    kind: config.kind,
    count: config.count,
    nulls: config.nulls,
    sum: config.sum ?? null,
    min: config.min ?? null,
    max: config.max ?? null,
    relative_accuracy: config.sketch?.relativeAccuracy ?? null,
    sketch: config.sketch
      ? JSON.stringify({
          positive: config.sketch.positive,
          negative: config.sketch.negative,
          zeroCount: config.sketch.zeroCount,
        })
      : null,
    distinct_estimate: config.distinctEstimate ?? null,
    top_values: config.topValues ? JSON.stringify(config.topValues) : null,
  }));
}
