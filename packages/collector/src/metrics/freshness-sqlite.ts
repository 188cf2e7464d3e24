import type { MetricsContext, Rows } from "./run.js";
import { num, windowStart } from "./sql-common.js";
import { splitByHours } from "./sqlite-hours.js";

/** The groups freshness counts shown candidates in, in the order the rows come (ORDER BY them). */
export const FRESHNESS_GROUPS = ["model_name", "model_version", "w", "is_new", "accepted"];

/**
 * SQLite's freshness counts: shown candidates per model, version, window, newness (first appearance after the
 * version's cutoff, `cutoffCase` of model_name and model_version) and acceptance, from the counts kept per hour at
 * ingest (shown_counts, schema 9) joined to each item's first appearance, and from `shownRows` (the shown candidate
 * rows, with their acceptance) for what of the range is not whole hours. The same integer counts as counting
 * `shownRows` over the whole range, with no row per candidate.
 */
export async function freshnessCountsSqlite(
  { dialect, options, query }: MetricsContext,
  shownRows: string,
  cutoffCase: string,
): Promise<Rows> {
  const { hours, edges } = splitByHours(options.fromMs, options.toMs);
  const model = options.model === undefined ? "" : `AND model_name = ${dialect.text(options.model)}`;
  // A prediction without k shows the ranks within the report's k; its candidates keep their rank (else 0).
  const parts = [
    `SELECT model_name, model_version, hour_ms AS time_ms, candidate_id, accepted, cnt AS c FROM shown_counts
      WHERE hour_ms >= ${num(hours.left)} AND hour_ms < ${num(hours.right)} AND rank <= ${num(options.k)} AND cnt > 0 ${model}`,
    ...edges.map(
      ([lo, hi]) => `SELECT model_name, model_version, time_ms, candidate_id, accepted, 1 AS c FROM (${shownRows})
        WHERE time_ms >= ${num(lo)} AND time_ms < ${num(hi)}`,
    ),
  ];
  const groups = FRESHNESS_GROUPS.join(", ");
  return query(`SELECT ${groups}, SUM(c) AS cnt FROM (
      SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w, accepted,
        CASE WHEN first_ms > cutoff_ms THEN 1 ELSE 0 END AS is_new, c FROM (
        SELECT model_name, model_version, time_ms, accepted, c, first_ms, ${cutoffCase} AS cutoff_ms FROM (
          SELECT s.model_name, s.model_version, s.time_ms, s.accepted, s.c, f.first_ms
          FROM (${parts.join(" UNION ALL ")}) s
          JOIN item_state f ON f.model_name = s.model_name AND f.candidate_id = s.candidate_id))
      WHERE cutoff_ms IS NOT NULL)
    GROUP BY ${groups} HAVING SUM(c) > 0 ORDER BY ${groups}`);
}
