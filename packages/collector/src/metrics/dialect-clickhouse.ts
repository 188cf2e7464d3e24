import { FEATURE_NAMES_TABLE } from "../store/clickhouse-feature-names.js";
import { followupsMerged } from "../store/clickhouse-followups.js";
import { sqlString } from "../store/clickhouse-http.js";
import type { Dialect } from "./dialect.js";
import { PREDICTED_LABEL, TRUE_LABEL } from "./dialect.js";
import type { ResolvedReportOptions } from "./options.js";
import { discountCase, idcgCase, num, predictionFilter, quantileLevel } from "./sql-common.js";

/**
 * ClickHouse 18.16: one JOIN per SELECT (so joins nest), USING with same-named keys, no window
 * functions. FINAL, so rows of an event stored twice count once, where a copy would change the result: rows that
 * are counted or summed. Reads that only take a minimum, a maximum, an argMax, a distinct value or a membership get
 * the same answer from a copy and skip FINAL's merge. Non-matching LEFT JOIN rows get defaults (0, '', []), hence
 * the explicit `has_o` flag.
 */

/**
 * Per prediction with outcomes, exposures or feedback (of the report's model), from the states kept at ingest
 * (store/clickhouse-followups.ts; the latest outcome is the argMax by (revision, time, event id)): `columns` of
 * has_o, o_event_id, o_label, o_rel, first_o_ms (of its outcomes); shown (0/1: exposed), first_ms (first exposure),
 * subject_key (the greatest, '' for none) of its exposures; accepted, ignored (or dismissed) and rejected (0/1);
 * acc_known (0/1: accepted feedback with a position), acc_first (the least such position). One read of one table
 * for what the per-prediction relation and the exposed relation join (each reads the states it needs).
 */
export function clickhouseFollowups(options: ResolvedReportOptions, columns: readonly string[]): string {
  return followupsMerged(options.model === undefined ? "" : `WHERE model_name = ${sqlString(options.model)}`, columns);
}

const SCORED_FOLLOWUPS = [
  "has_o",
  "first_o_ms",
  "o_event_id",
  "o_label",
  "o_rel",
  "shown",
  "accepted",
  "ignored",
  "acc_known",
  "acc_first",
];
const EXPOSED_FOLLOWUPS = ["shown", "first_ms", "subject_key", "accepted", "ignored", "rejected"];

export const clickhouseDialect: Dialect = {
  kind: "clickhouse",
  text: sqlString,
  inOrder: (sql) => `${sql} SETTINGS max_threads = 1`,
  floorInt: (entry) => `toInt64(floor(${entry}))`,
  scored(options) {
    const index = options.k;
    return `SELECT model_name, prediction_id, model_version, time_ms, trained_at_ms, task, score, samplerate, outcome_ttl_s, shadow,
      has_o, first_o_ms, o_event_id, o_label,
      toUInt8(has_o = 1 AND (isNotNull(o_label) OR notEmpty(o_rel))) AS labeled,
      toUInt8(labeled = 1 AND notEmpty(top_ids)) AS ranked,
      if(notEmpty(o_rel), o_rel, [ifNull(o_label, '')]) AS relset,
      if(ranked = 1, arrayFirstIndex(x -> has(relset, x), top_ids), 0) AS first_rank,
      if(ranked = 1, arraySum(arrayMap((x, i) -> if(i <= ${index} AND has(relset, x), ${discountCase("i", index)}, 0.),
        top_ids, arrayEnumerate(top_ids))), 0.) AS dcg,
      ${idcgCase(`least(length(relset), ${index})`, index)} AS idcg,
      toUInt8(isNotNull(label) AND isNotNull(o_label)) AS acc_known,
      toUInt8(acc_known = 1 AND ifNull(label = o_label, 0)) AS correct,
      toUInt8(acc_known = 1 AND ifNull(task = 'regression', 0)) AS ae_known,
      if(ae_known = 1, abs(toFloat64OrZero(ifNull(label, '')) - toFloat64OrZero(ifNull(o_label, ''))), 0.) AS ae,
      top_ids, k, cand_ranks, cand_ages, e_shown, e_accepted, e_ignored, e_acc_known, e_acc_first
    FROM (SELECT model_name, prediction_id, model_version, time_ms, trained_at_ms, task, score, samplerate,
          outcome_ttl_s, shadow, label, top_ids, k, cand_ranks, cand_ages
        FROM predictions FINAL PREWHERE ${predictionFilter(options, sqlString)})
    ANY LEFT JOIN (SELECT model_name, prediction_id, has_o, first_o_ms, o_event_id, o_label, o_rel, shown AS e_shown,
        accepted AS e_accepted, ignored AS e_ignored, acc_known AS e_acc_known, acc_first AS e_acc_first
      FROM (${clickhouseFollowups(options, SCORED_FOLLOWUPS)})) USING (model_name, prediction_id)`;
  },
  exposed(options) {
    // The version of any shown prediction row with the id (ANY JOIN keeps one per key, as any() did in a GROUP BY
    // of the predictions by their two String keys, which cost twice the CPU at 2.5M predictions; copies of a
    // prediction carry its version).
    return `SELECT model_name, model_version, time_ms,
      if(subject_key = '' OR has_fs = 0, NULL, time_ms - first_ms) AS exposure_age_ms, accepted, ignored, rejected
    FROM (
      SELECT model_name, prediction_id, time_ms, subject_key, first_ms, has_fs, accepted, ignored, rejected FROM (
        SELECT model_name, prediction_id, first_ms AS time_ms, subject_key, accepted, ignored, rejected
        FROM (${clickhouseFollowups(options, EXPOSED_FOLLOWUPS)}) WHERE shown = 1
      ) ANY LEFT JOIN (
        SELECT model_name, ifNull(subject_key, '') AS subject_key, min(time_ms) AS first_ms, toUInt8(1) AS has_fs
        FROM exposures WHERE isNotNull(subject_key) GROUP BY model_name, subject_key
      ) USING (model_name, subject_key)
    ) ANY LEFT JOIN (
      SELECT model_name, prediction_id, model_version FROM predictions WHERE shadow = 0
    ) USING (model_name, prediction_id)
    WHERE time_ms >= ${num(options.fromMs)} AND time_ms < ${num(options.toMs)}`;
  },
  businessRows(scored) {
    return `SELECT model_name, model_version, time_ms, prediction_id, name, value, e_shown, e_accepted, e_ignored,
        e_acc_known, e_acc_first FROM (${scored})
      ALL INNER JOIN (SELECT event_id AS o_event_id, name, value FROM outcome_metrics FINAL) USING (o_event_id)
      WHERE shadow = 0`;
  },
  shownCandidates(options, scored) {
    // From the per-prediction relation (its predictions are the report's): the candidate arrays of each shown
    // prediction, one row per candidate, in the order of the candidates table (prediction, then rank). `accepted`
    // (0/1): accepted feedback names the candidate, by id or by position (memberships: copies change nothing).
    const model = options.model === undefined ? "" : `AND model_name = ${sqlString(options.model)}`;
    const acceptedBy = (column: string, value: string) =>
      `SELECT model_name, prediction_id, ${value} FROM feedback
        WHERE action = 'accepted' AND isNotNull(${column}) ${model}`;
    return `SELECT model_name, model_version, time_ms, prediction_id, candidate_id, rank, item_age_s,
        toUInt8((model_name, prediction_id, candidate_id) IN (${acceptedBy("candidate_id", "assumeNotNull(candidate_id)")})
          OR (model_name, prediction_id, rank) IN (${acceptedBy("position", "toInt32(assumeNotNull(position) + 1)")})
        ) AS accepted FROM (
        SELECT model_name, model_version, time_ms, prediction_id, top_ids, cand_ranks, cand_ages,
          ifNull(k, ${num(options.k)}) AS shown_k
        FROM (${scored}) WHERE shadow = 0 AND length(cand_ranks) = length(top_ids)
      ) ARRAY JOIN top_ids AS candidate_id, cand_ranks AS rank, cand_ages AS item_age_s WHERE rank <= shown_k`;
  },
  driftRows(model, feature, scored) {
    if (feature === PREDICTED_LABEL) {
      return `SELECT time_ms, CAST(NULL AS Nullable(Float64)) AS num_value, label AS str_value
        FROM predictions FINAL WHERE model_name = ${sqlString(model)} AND shadow = 0`;
    }
    if (feature === TRUE_LABEL) {
      return `SELECT time_ms, num_value, o_label AS str_value FROM (SELECT time_ms, CAST(NULL AS Nullable(Float64)) AS num_value, o_label
        FROM (${scored}) WHERE has_o = 1 AND shadow = 0 AND model_name = ${sqlString(model)})`;
    }
    return `SELECT time_ms, num_value, str_value FROM features FINAL
      WHERE model_name = ${sqlString(model)} AND name = ${sqlString(feature)}`;
  },
  firstPredictionTime(model, fromMs, toMs) {
    return `SELECT if(count() = 0, NULL, min(time_ms)) AS t FROM predictions
      WHERE model_name = ${sqlString(model)} AND time_ms >= ${num(fromMs)} AND time_ms < ${num(toMs)}`;
  },
  modelNames(options) {
    const model = options.model === undefined ? "" : `WHERE model_name = ${sqlString(options.model)}`;
    return `SELECT DISTINCT model_name FROM predictions ${model} ORDER BY model_name`;
  },
  featureNames(options) {
    // Kept at ingest (store/clickhouse-feature-names.ts): a few rows instead of every feature row.
    return `SELECT DISTINCT model_name, name FROM ${FEATURE_NAMES_TABLE}
      ${options.model === undefined ? "" : `WHERE model_name = ${sqlString(options.model)}`} ORDER BY model_name, name`;
  },
  counts(query, source, groups) {
    const text = groups.join(", ");
    return query(`SELECT ${text}, count() AS cnt FROM (${source}) GROUP BY ${text} ORDER BY ${text}`);
  },
  quantiles(query, source, groups, value, qs) {
    const text = groups.join(", ");
    const levels = qs.map((value) => num(quantileLevel(value))).join(", ");
    // quantilesExact takes the value at sorted position trunc(level · n), as the SQLite version does (quantileLevel);
    // one thread, so `total` adds the values in the relation's order (`inOrder`).
    return query(`SELECT ${text}${text ? ", " : ""}${qs.map((_, index) => `qs[${index + 1}] AS q${index}`).join(", ")}, n, total FROM (
      SELECT ${text}${text ? ", " : ""}quantilesExact(${levels})(x) AS qs, count() AS n, sum(x) AS total
      FROM (SELECT ${text}${text ? ", " : ""}assumeNotNull(${value}) AS x FROM (${source}) WHERE isNotNull(${value}))
      ${text ? `GROUP BY ${text}` : ""}) WHERE n > 0 ${text ? `ORDER BY ${text}` : ""} SETTINGS max_threads = 1`);
  },
};
