import type { BoundParams, ReadRows } from "../store/bound-params.js";
import type { Store } from "../store/types.js";
import type { ResolvedReportOptions } from "./options.js";
import { asNumber, asText, iso, rate } from "./run.js";
import { MONDAY_MS } from "./sql-common.js";
import type { OrphanRow } from "./types.js";

// An outcome or a feedback event counts in the window of its prediction's time when it carries one
// (`predictionTime`), else of its own time: the windows label coverage is counted in.
const SQLITE = `SELECT model_name, w, SUM(is_o) AS outcomes, SUM(is_o * orphan) AS orphan_outcomes,
    SUM(1 - is_o) AS feedback, SUM((1 - is_o) * orphan) AS orphan_feedback
  FROM (SELECT x.model_name, (x.t - ((x.t - @offset) % @width)) AS w, x.is_o,
      CASE WHEN EXISTS (SELECT 1 FROM predictions p WHERE p.model_name = x.model_name AND p.prediction_id = x.prediction_id)
        THEN 0 ELSE 1 END AS orphan
    FROM (SELECT model_name, prediction_id, COALESCE(prediction_time_ms, time_ms) AS t, 1 AS is_o FROM outcomes
      UNION ALL
      SELECT model_name, prediction_id, COALESCE(prediction_time_ms, time_ms) AS t, 0 AS is_o FROM feedback) x
    WHERE x.t >= @from_ms AND x.t < @to_ms AND (@any_model = 1 OR x.model_name = @model))
  GROUP BY model_name, w ORDER BY model_name, w`;

// 18.16: whether a prediction of that model has the id is a membership in the set of their (model, id) pairs,
// built once (cheaper than a GROUP BY of the predictions and a join).
const CLICKHOUSE = `SELECT model_name, w, sum(is_o) AS outcomes, sum(is_o * orphan) AS orphan_outcomes,
    sum(1 - is_o) AS feedback, sum((1 - is_o) * orphan) AS orphan_feedback
  FROM (SELECT model_name, (t - ((t - (SELECT offset FROM params)) % (SELECT width FROM params))) AS w, is_o,
      toUInt8((model_name, prediction_id) NOT IN (SELECT model_name, prediction_id FROM predictions)) AS orphan
    FROM (SELECT model_name, prediction_id, ifNull(prediction_time_ms, time_ms) AS t, toUInt8(1) AS is_o FROM outcomes FINAL
      UNION ALL
      SELECT model_name, prediction_id, ifNull(prediction_time_ms, time_ms) AS t, toUInt8(0) AS is_o FROM feedback FINAL)
    WHERE t >= (SELECT from_ms FROM params) AND t < (SELECT to_ms FROM params)
      AND ((SELECT any_model FROM params) = 1 OR model_name = (SELECT model FROM params)))
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
  const rows = await readRows(kind === "sqlite" ? SQLITE : CLICKHOUSE, params);
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
