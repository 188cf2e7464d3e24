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
  const d = event.data;
  const start = Date.parse(d.windowStart);
  const end = Date.parse(d.windowEnd);
  return Object.entries(d.columns).map(([feature, c]) => ({
    event_id: event.id,
    model_name: d.model.name,
    model_version: d.model.version,
    window_start_ms: start,
    window_end_ms: end,
    feature,
    kind: c.kind,
    count: c.count,
    nulls: c.nulls,
    sum: c.sum ?? null,
    min: c.min ?? null,
    max: c.max ?? null,
    relative_accuracy: c.sketch?.relativeAccuracy ?? null,
    sketch: c.sketch
      ? JSON.stringify({ positive: c.sketch.positive, negative: c.sketch.negative, zeroCount: c.sketch.zeroCount })
      : null,
    distinct_estimate: c.distinctEstimate ?? null,
    top_values: c.topValues ? JSON.stringify(c.topValues) : null,
  }));
}
