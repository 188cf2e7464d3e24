import { HOUR_MS } from "../store/sqlite-drift-counts.js";

/**
 * How a SQLite report splits its range [from, to) between counts kept per UTC hour at ingest and the rows
 * themselves: whole hours from 1970 on inside the range (`hours`, [left, right)) come from the counts (report
 * windows are whole hours, aligned alike, so an hour lies in one window); the rest, less than an hour at either
 * end (and anything before 1970, where SQLite's `%` would put an hour in another window), from the rows (`edges`).
 */
export interface HourSplit {
  hours: { left: number; right: number };
  edges: [number, number][];
}

export function splitByHours(from: number, to: number): HourSplit {
  const left = Math.max(0, Math.ceil(from / HOUR_MS) * HOUR_MS);
  const right = Math.max(left, Math.floor(to / HOUR_MS) * HOUR_MS);
  const edges = (
    [
      [from, Math.min(left, to)],
      [right, to],
    ] as [number, number][]
  ).filter(([lo, hi]) => lo < hi);
  return { hours: { left, right }, edges };
}
