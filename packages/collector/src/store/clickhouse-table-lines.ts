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
export function eachTableRow(
  rows: Rows,
  visit: (table: TableInsert["table"], row: object, dayMs: number) => void,
): void {
  const eventMs = rows.event.time_ms;
  if (rows.prediction) visit("predictions", rows.prediction, rows.prediction.time_ms);
  for (const row of rows.candidates) visit("candidates", row, eventMs);
  if (rows.exposure) visit("exposures", rows.exposure, rows.exposure.time_ms);
  if (rows.feedback) visit("feedback", rows.feedback, rows.feedback.time_ms);
  if (rows.outcome) visit("outcomes", rows.outcome, rows.outcome.time_ms);
  for (const row of rows.outcomeMetrics) visit("outcome_metrics", row, row.time_ms);
  for (const row of rows.features) {
    // Sorting keys cannot be Nullable: features logged without a prediction get ''.
    if (row.prediction_id === null) row.prediction_id = "";
    visit("features", row, row.time_ms);
  }
  for (const row of rows.featureProfiles ?? []) visit("feature_profiles", row, row.window_start_ms);
  visit("events", rows.event, eventMs);
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
  for (let index = 0; index < batch.length; index++) {
    if (fresh[index]) eachTableRow(toRows(batch[index] as IncomingEvent), visit);
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
