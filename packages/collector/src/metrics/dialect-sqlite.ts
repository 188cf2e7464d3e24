import type { Dialect } from "./dialect.js";
import { PREDICTED_LABEL, TRUE_LABEL } from "./dialect.js";
import { discountCase, idcgCase, num, predictionFilter } from "./sql-common.js";

let tempSeq = 0;
const str = (s: string): string => `'${s.replace(/'/g, "''")}'`;

// Relevant = in the outcome's relevantIds, or equal to its label when it has none. `rel1` is the one
// relevant id when there is exactly one (the common case), which skips the nested json_each.
const rel = (v: string) =>
  `(CASE WHEN o_rel <> '[]' THEN ${v} IN (SELECT r.value FROM json_each(o_rel) r) ELSE ${v} = o_label END)`;

export const sqliteDialect: Dialect = {
  kind: "sqlite",
  str,
  floorInt: (e) => `CAST(${e} AS INTEGER)`,
  scored(o) {
    const k = o.k;
    // The latest outcome (highest revision, then latest time, then event id) by an index lookup per
    // prediction, joined back by rowid: faster than a window over every outcome.
    return `SELECT model_name, model_version, time_ms, trained_at_ms, task, score, samplerate, outcome_ttl_s,
      has_o, first_o_ms, o_event_id, o_label, labeled, ranked, first_rank,
      CASE WHEN ranked = 0 THEN 0
        WHEN rel1 IS NOT NULL THEN CASE WHEN first_rank BETWEEN 1 AND ${k} THEN ${discountCase("first_rank", k)} ELSE 0 END
        ELSE COALESCE((SELECT SUM(${discountCase("t.key + 1", k)}) FROM json_each(top_ids) t
          WHERE t.key < ${k} AND ${rel("t.value")}), 0) END AS dcg,
      ${idcgCase(`MIN(CASE WHEN o_rel <> '[]' THEN json_array_length(o_rel) ELSE 1 END, ${k})`, k)} AS idcg,
      acc_known, CASE WHEN acc_known = 1 AND label = o_label THEN 1 ELSE 0 END AS correct,
      CASE WHEN acc_known = 1 AND task = 'regression' THEN 1 ELSE 0 END AS ae_known,
      CASE WHEN acc_known = 1 AND task = 'regression' THEN ABS(CAST(label AS REAL) - CAST(o_label AS REAL)) ELSE 0 END AS ae
    FROM (SELECT *,
        CASE WHEN ranked = 0 THEN 0
          WHEN rel1 IS NOT NULL THEN COALESCE((SELECT MIN(t.key) + 1 FROM json_each(top_ids) t WHERE t.value = rel1), 0)
          ELSE COALESCE((SELECT MIN(t.key) + 1 FROM json_each(top_ids) t WHERE ${rel("t.value")}), 0) END AS first_rank
      FROM (SELECT p.model_name, p.model_version, p.time_ms, p.trained_at_ms, p.task, p.score, p.samplerate,
          p.outcome_ttl_s, p.label, p.top_ids, o.label AS o_label, o.relevant_ids AS o_rel, o.event_id AS o_event_id,
          p.first_o_ms, (o.event_id IS NOT NULL) AS has_o,
          (o.label IS NOT NULL OR COALESCE(o.relevant_ids, '[]') <> '[]') AS labeled,
          (o.label IS NOT NULL OR COALESCE(o.relevant_ids, '[]') <> '[]') AND p.top_ids <> '[]' AS ranked,
          (p.label IS NOT NULL AND o.label IS NOT NULL) AS acc_known,
          CASE WHEN o.relevant_ids = '[]' THEN o.label
            WHEN json_array_length(o.relevant_ids) = 1 THEN json_extract(o.relevant_ids, '$[0]') END AS rel1
        FROM (SELECT p.*,
            (SELECT o2.rowid FROM outcomes o2 WHERE o2.model_name = p.model_name AND o2.prediction_id = p.prediction_id
              ORDER BY o2.revision DESC, o2.time_ms DESC, o2.event_id DESC LIMIT 1) AS o_row,
            (SELECT MIN(o3.time_ms) FROM outcomes o3 WHERE o3.model_name = p.model_name AND o3.prediction_id = p.prediction_id) AS first_o_ms
          FROM predictions p WHERE ${predictionFilter(o, str, "p")}) p
        LEFT JOIN outcomes o ON o.rowid = p.o_row)
      -- OFFSET keeps SQLite from flattening this level, so first_rank is computed once, not per use.
      LIMIT -1 OFFSET 0)`;
  },
  exposed(o) {
    return `SELECT e.model_name, COALESCE((SELECT p.model_version FROM predictions p
        WHERE p.model_name = e.model_name AND p.prediction_id = e.prediction_id LIMIT 1), '(unknown)') AS model_version,
      e.time_ms, CASE WHEN e.subject_key IS NULL THEN NULL ELSE e.time_ms - fs.first_ms END AS exposure_age_ms,
      COALESCE(fb.accepted, 0) AS accepted, COALESCE(fb.ignored, 0) AS ignored, COALESCE(fb.rejected, 0) AS rejected
    FROM (SELECT model_name, prediction_id, MIN(time_ms) AS time_ms, MAX(subject_key) AS subject_key FROM exposures
          ${o.model === undefined ? "" : `WHERE model_name = ${str(o.model)}`} GROUP BY model_name, prediction_id) e
    LEFT JOIN (SELECT model_name, subject_key, MIN(time_ms) AS first_ms FROM exposures WHERE subject_key IS NOT NULL
          GROUP BY model_name, subject_key) fs ON fs.model_name = e.model_name AND fs.subject_key = e.subject_key
    LEFT JOIN (SELECT model_name, prediction_id, MAX(action = 'accepted') AS accepted,
          MAX(action IN ('ignored', 'dismissed')) AS ignored, MAX(action = 'rejected') AS rejected
          FROM feedback GROUP BY model_name, prediction_id) fb ON fb.model_name = e.model_name AND fb.prediction_id = e.prediction_id
    WHERE e.time_ms >= ${num(o.fromMs)} AND e.time_ms < ${num(o.toMs)}`;
  },
  businessRows(scored) {
    return `SELECT s.model_name, s.model_version, s.time_ms, m.name, m.value
      FROM (${scored}) s JOIN outcome_metrics m ON m.event_id = s.o_event_id`;
  },
  shownItemAges(o) {
    return `SELECT p.model_name, p.model_version, p.time_ms, c.item_age_s FROM predictions p
      JOIN candidates c ON c.event_id = p.event_id
      WHERE c.item_age_s IS NOT NULL AND c.rank <= COALESCE(p.k, ${o.k}) AND ${predictionFilter(o, str, "p")}`;
  },
  driftRows(model, feature, scored) {
    if (feature === PREDICTED_LABEL) {
      return `SELECT time_ms, NULL AS num_value, label AS str_value FROM predictions WHERE model_name = ${str(model)}`;
    }
    if (feature === TRUE_LABEL) {
      return `SELECT time_ms, num_value, o_label AS str_value FROM (SELECT time_ms, NULL AS num_value, o_label
        FROM (${scored}) WHERE has_o = 1 AND model_name = ${str(model)})`;
    }
    return `SELECT time_ms, num_value, str_value FROM features WHERE model_name = ${str(model)} AND name = ${str(feature)}`;
  },
  featureNames(o) {
    return `SELECT DISTINCT model_name, name FROM features
      ${o.model === undefined ? "" : `WHERE model_name = ${str(o.model)}`} ORDER BY model_name, name`;
  },
  async quantiles(q, source, groups, value, qs) {
    // One sort into a TEMP table whose rowids follow the sorted order; each group's quantile is then
    // the row at (first rowid + floor(q · n)). Much cheaper than ROW_NUMBER() over every row.
    const name = `inferlog_q_${process.pid}_${++tempSeq}`;
    const g = groups.join(", ");
    const gc = g ? `${g}, ` : "";
    await q(`CREATE TEMP TABLE ${name} AS SELECT ${gc}x FROM (SELECT ${gc}${value} AS x FROM (${source}))
      WHERE x IS NOT NULL ORDER BY ${gc}x`);
    try {
      const cols = qs.map(
        (v, i) => `(SELECT x FROM temp.${name} WHERE rowid = r0 + CAST(${num(v)} * n AS INTEGER)) AS q${i}`,
      );
      return await q(`SELECT ${gc}${cols.join(", ")}, n, total FROM (
        SELECT ${gc}MIN(rowid) AS r0, COUNT(*) AS n, SUM(x) AS total FROM temp.${name} ${g ? `GROUP BY ${g}` : ""}) WHERE n > 0
        ${g ? `ORDER BY ${g}` : ""}`);
    } finally {
      await q(`DROP TABLE IF EXISTS temp.${name}`);
    }
  },
};
