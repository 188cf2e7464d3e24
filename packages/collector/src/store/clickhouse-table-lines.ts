import { startSlices } from "../slices.js";
import type { TableInsert } from "./clickhouse-table-rows.js";
import { type Rows, toRows } from "./rows.js";
import type { IncomingEvent } from "./types.js";

/** JSONEachRow lines per ClickHouse table (`events` among them, written last by the caller). */
export type TableLines = Record<TableInsert["table"], string[]>;

const DAY_MS = 86_400_000;

/**
 * The same rows as `clickhouseTableRows`, serialized event by event in slices of a few ms. Each
 * row is stringified once with its `day` appended, with no intermediate copies: a large group
 * costs a fraction of the allocations (and garbage collection) of building row objects first.
 */
export async function clickhouseTableLines(
  batch: readonly IncomingEvent[],
  fresh: readonly boolean[],
): Promise<TableLines> {
  const lines: TableLines = {
    predictions: [],
    candidates: [],
    exposures: [],
    feedback: [],
    outcomes: [],
    outcome_metrics: [],
    features: [],
    feature_profiles: [],
    events: [],
  };
  // Most rows of a group share a UTC day: its "YYYY-MM-DD" is formatted once per day, not per row.
  let cachedDay = Number.NaN;
  let cachedText = "";
  const withDay = (row: object, ms: number): string => {
    const dayNumber = Math.floor(ms / DAY_MS);
    if (dayNumber !== cachedDay) {
      cachedDay = dayNumber;
      cachedText = new Date(ms).toISOString().slice(0, 10);
    }
    const json = JSON.stringify(row);
    return `${json.slice(0, -1)},"day":"${cachedText}"}`;
  };
  const add = (r: Rows) => {
    const eventMs = r.event.time_ms;
    if (r.prediction) lines.predictions.push(withDay(r.prediction, r.prediction.time_ms));
    for (const c of r.candidates) lines.candidates.push(withDay(c, eventMs));
    if (r.exposure) lines.exposures.push(withDay(r.exposure, r.exposure.time_ms));
    if (r.feedback) lines.feedback.push(withDay(r.feedback, r.feedback.time_ms));
    if (r.outcome) lines.outcomes.push(withDay(r.outcome, r.outcome.time_ms));
    for (const m of r.outcomeMetrics) lines.outcome_metrics.push(withDay(m, m.time_ms));
    for (const f of r.features) {
      // Sorting keys cannot be Nullable: features logged without a prediction get ''.
      if (f.prediction_id === null) f.prediction_id = "";
      lines.features.push(withDay(f, f.time_ms));
    }
    for (const p of r.featureProfiles ?? []) lines.feature_profiles.push(withDay(p, p.window_start_ms));
    lines.events.push(withDay(r.event, eventMs));
  };
  const slices = startSlices();
  for (let i = 0; i < batch.length; i++) {
    if (fresh[i]) add(toRows(batch[i] as IncomingEvent));
    if (slices.due()) await slices.pause();
  }
  return lines;
}
