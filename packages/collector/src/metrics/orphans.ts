import type { BoundParams, ReadRows } from "../store/bound-params.js";
import type { Store } from "../store/types.js";
import type { ResolvedReportOptions } from "./options.js";
import { asNumber, asText, iso, rate } from "./run.js";
import { MONDAY_MS } from "./sql-common.js";
import { splitByHours } from "./sqlite-hours.js";
import type { OrphanRow } from "./types.js";

// An outcome or a feedback event counts in the window of its prediction's time when it carries one
// (`predictionTime`), else of its own time: the windows label coverage is counted in. SQLite keeps the rows per
// hour of that time, orphan or not, at ingest (orphan_counts, schema 9): whole hours come from there, and only
// the rest of the range (`edges`, sqlite-hours.ts) from the rows.
const sqliteRows = (edges: readonly [number, number][]) =>
  edges
    .map(
      (_, index) => `SELECT x.model_name, x.t, x.is_o,
      CASE WHEN EXISTS (SELECT 1 FROM predictions p WHERE p.model_name = x.model_name AND p.prediction_id = x.prediction_id)
        THEN 0 ELSE 1 END AS orphan, 1 AS cnt
    FROM (SELECT model_name, prediction_id, COALESCE(prediction_time_ms, time_ms) AS t, 1 AS is_o FROM outcomes
      UNION ALL
      SELECT model_name, prediction_id, COALESCE(prediction_time_ms, time_ms) AS t, 0 AS is_o FROM feedback) x
    WHERE x.t >= @lo${index} AND x.t < @hi${index} AND (@any_model = 1 OR x.model_name = @model)`,
    )
    .map((sql) => ` UNION ALL ${sql}`)
    .join("");
const sqlite = (edges: readonly [number, number][]) => `SELECT model_name, w, SUM(is_o * cnt) AS outcomes,
    SUM(is_o * orphan * cnt) AS orphan_outcomes, SUM((1 - is_o) * cnt) AS feedback,
    SUM((1 - is_o) * orphan * cnt) AS orphan_feedback
  FROM (SELECT model_name, (t - ((t - @offset) % @width)) AS w, is_o, orphan, cnt FROM (
    SELECT model_name, hour_ms AS t, is_o, orphan, cnt FROM orphan_counts
    WHERE hour_ms >= @left_ms AND hour_ms < @right_ms AND cnt > 0 AND (@any_model = 1 OR model_name = @model)
    ${sqliteRows(edges)}))
  GROUP BY model_name, w ORDER BY model_name, w`;

// PREWHERE: the range and model first, the ids only of the rows they keep (a report over a few weeks of a long
// history reads a few weeks of ids). Copies of an event agree on these columns, so FINAL over the rows kept is FINAL
// over the table, then filtered.
const IN_RANGE = `ifNull(prediction_time_ms, time_ms) >= (SELECT from_ms FROM params)
  AND ifNull(prediction_time_ms, time_ms) < (SELECT to_ms FROM params)
  AND ((SELECT any_model FROM params) = 1 OR model_name = (SELECT model FROM params))`;
// 18.16: whether a prediction of that model has the id is a membership in the set of their (model, id) pairs,
// built once (cheaper than a GROUP BY of the predictions and a join).
const CLICKHOUSE = `SELECT model_name, w, sum(is_o) AS outcomes, sum(is_o * orphan) AS orphan_outcomes,
    sum(1 - is_o) AS feedback, sum((1 - is_o) * orphan) AS orphan_feedback
  FROM (SELECT model_name, (t - ((t - (SELECT offset FROM params)) % (SELECT width FROM params))) AS w, is_o,
      toUInt8((model_name, prediction_id) NOT IN (SELECT model_name, prediction_id FROM predictions)) AS orphan
    FROM (SELECT model_name, prediction_id, ifNull(prediction_time_ms, time_ms) AS t, toUInt8(1) AS is_o FROM outcomes FINAL
        PREWHERE ${IN_RANGE}
      UNION ALL
      SELECT model_name, prediction_id, ifNull(prediction_time_ms, time_ms) AS t, toUInt8(0) AS is_o FROM feedback FINAL
        PREWHERE ${IN_RANGE}))
  GROUP BY model_name, w ORDER BY model_name, w`;

/**
 * Outcomes and feedback whose prediction id was never seen (no prediction of that model has it), per
 * model and window: a wrong id, a prediction that was dropped, or labels for another model's name.
 */
export async function orphans(
  kind: Store["kind"],
  readRows: ReadRows,
  options: ResolvedReportOptions,
): Promise<OrphanRow[]> {
  const params: BoundParams = {
    offset: options.windowMs === 7 * 86_400_000 ? MONDAY_MS : 0,
    width: options.windowMs,
    from_ms: options.fromMs,
    to_ms: options.toMs,
    any_model: options.model === undefined,
    model: options.model ?? "",
  };
  const { hours, edges } = splitByHours(options.fromMs, options.toMs);
  const rows =
    kind === "sqlite"
      ? await readRows(sqlite(edges), {
          ...params,
          left_ms: hours.left,
          right_ms: hours.right,
          ...Object.fromEntries(
            edges.flatMap(([lo, hi], index) => [
              [`lo${index}`, lo],
              [`hi${index}`, hi],
            ]),
          ),
        })
      : await readRows(CLICKHOUSE, params);
  return rows.map((row) => {
    const outcomes = asNumber(row.outcomes);
    const feedback = asNumber(row.feedback);
    const orphanOutcomes = asNumber(row.orphan_outcomes);
    const orphanFeedback = asNumber(row.orphan_feedback);
    return {
      model: asText(row.model_name),
      windowStart: iso(asNumber(row.w)),
      outcomes,
      orphanOutcomes,
      feedback,
      orphanFeedback,
      orphanShare: rate(orphanOutcomes + orphanFeedback, outcomes + feedback),
    };
  });
}
