import { startSlices } from "../slices.js";
import type { TableInsert } from "./clickhouse-table-rows.js";
import { type Rows, toRows } from "./rows.js";
import type { IncomingEvent } from "./types.js";

/** JSONEachRow lines per ClickHouse table (`events` among them, written last by the caller). */
export type TableLines = Record<TableInsert["table"], string[]>;

const DAY_MS = 86_400_000;

/**
 * Calls `visit` with each ClickHouse row of one event's rows, the table it goes to and the time its
 * `day` column stands for: the one walk both insert formats share (and `clickhouseTableRows` spells
 * out as whole arrays). `events` comes last.
 */
export function eachTableRow(r: Rows, visit: (table: TableInsert["table"], row: object, dayMs: number) => void): void {
  const eventMs = r.event.time_ms;
  if (r.prediction) visit("predictions", r.prediction, r.prediction.time_ms);
  for (const c of r.candidates) visit("candidates", c, eventMs);
  if (r.exposure) visit("exposures", r.exposure, r.exposure.time_ms);
  if (r.feedback) visit("feedback", r.feedback, r.feedback.time_ms);
  if (r.outcome) visit("outcomes", r.outcome, r.outcome.time_ms);
  for (const m of r.outcomeMetrics) visit("outcome_metrics", m, m.time_ms);
  for (const f of r.features) {
    // Sorting keys cannot be Nullable: features logged without a prediction get ''.
    if (f.prediction_id === null) f.prediction_id = "";
    visit("features", f, f.time_ms);
  }
  for (const p of r.featureProfiles ?? []) visit("feature_profiles", p, p.window_start_ms);
  visit("events", r.event, eventMs);
}

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
  const line = jsonLine();
  const visit = (table: TableInsert["table"], row: object, dayMs: number) => lines[table].push(line(row, dayMs));
  const slices = startSlices();
  for (let i = 0; i < batch.length; i++) {
    if (fresh[i]) eachTableRow(toRows(batch[i] as IncomingEvent), visit);
    if (slices.due()) await slices.pause();
  }
  return lines;
}

/** A row as one JSONEachRow line with its `day` appended. */
export function jsonLine(): (row: object, dayMs: number) => string {
  // Most rows of a group share a UTC day: its "YYYY-MM-DD" is formatted once per day, not per row.
  let cachedDay = Number.NaN;
  let cachedText = "";
  return (row, ms) => {
    const dayNumber = Math.floor(ms / DAY_MS);
    if (dayNumber !== cachedDay) {
      cachedDay = dayNumber;
      cachedText = new Date(ms).toISOString().slice(0, 10);
    }
    const json = JSON.stringify(row);
    return `${json.slice(0, -1)},"day":"${cachedText}"}`;
  };
}
