import { DRIFT_FEATURE, DRIFT_PREDICTED, DRIFT_TRUE } from "../store/sqlite-drift-counts.js";
import { COUNTS_FN, QUANTILES_FN } from "../store/sqlite-functions.js";
import type { Dialect } from "./dialect.js";
import { PREDICTED_LABEL, TRUE_LABEL } from "./dialect.js";
import type { ResolvedReportOptions } from "./options.js";
import { discountCase, idcgCase, num, predictionFilter, quantileLevel } from "./sql-common.js";
import { splitByHours } from "./sqlite-hours.js";
import type { SqliteParams } from "./sqlite-params.js";

// Relevant = in the outcome's relevantIds, or equal to its label when it has none. The position of the first
// relevant id (label_rank) is kept per prediction row by the writer; only outcomes with several relevant ids
// (`multi`) need the list itself, for the DCG at the report's k.
const rel = (value: string) => `${value} IN (SELECT r.value FROM json_each(o_rel) r)`;
// A JSON array of two or more ids has a comma; the cheap instr spares parsing the one-id lists.
const multi = "(instr(o_rel, ',') > 0 AND json_array_length(o_rel) > 1)";

/**
 * The columns of the per-prediction relation (`Dialect.scored`) that calibration, model ages and label latency read,
 * computed as `scored` computes them, without the ranking columns (dcg and idcg parse JSON per row): what a
 * connection that holds no copy of `scored` reads for those sections. Its rows come in the order of `scored`'s (the
 * same scan of predictions under the same filter), so calibration's float sums add in the same order; the others
 * are integer sums and sorted values.
 */
export function sqliteShareRelation(options: ResolvedReportOptions, str: (value: string) => string): string {
  return `SELECT model_name, model_version, time_ms, trained_at_ms, score, shadow, o_first_ms AS first_o_ms,
      (o_event_id IS NOT NULL) AS has_o, (label IS NOT NULL AND o_label IS NOT NULL) AS acc_known,
      CASE WHEN label IS NOT NULL AND o_label IS NOT NULL AND label = o_label THEN 1 ELSE 0 END AS correct
    FROM predictions WHERE ${predictionFilter(options, str)}`;
}

/** The SQLite dialect of one report: its text values are bound parameters collected in `params`. */
export function sqliteDialect(params: SqliteParams): Dialect {
  const str = (value: string): string => params.placeholder(value);
  const dialect: Dialect = {
    kind: "sqlite",
    text: str,
    inOrder: (sql) => sql,
    floorInt: (entry) => `CAST(${entry} AS INTEGER)`,
    scored(options) {
      const index = options.k;
      // The latest outcome and the first outcome time: each prediction row's copy of its outcome_state row, kept by
      // the writer at ingest (schema 9), so building the relation joins nothing.
      // OFFSET 0 keeps SQLite from flattening the inner SELECT into this one, which would evaluate labeled,
      // ranked and acc_known again at each use (10 % of building the relation on the 1M-event file).
      return `SELECT model_name, model_version, time_ms, trained_at_ms, task, score, samplerate, outcome_ttl_s, shadow,
      has_o, first_o_ms, o_event_id, o_label, labeled, ranked, first_rank,
      CASE WHEN ranked = 0 THEN 0
        WHEN NOT ${multi} THEN CASE WHEN first_rank BETWEEN 1 AND ${index} THEN ${discountCase("first_rank", index)} ELSE 0 END
        ELSE COALESCE((SELECT SUM(${discountCase("t.key + 1", index)}) FROM json_each(top_ids) t
          WHERE t.key < ${index} AND ${rel("t.value")}), 0) END AS dcg,
      ${idcgCase(`CASE WHEN ${multi} THEN MIN(json_array_length(o_rel), ${index}) ELSE 1 END`, index)} AS idcg,
      acc_known, CASE WHEN acc_known = 1 AND label = o_label THEN 1 ELSE 0 END AS correct,
      CASE WHEN acc_known = 1 AND task = 'regression' THEN 1 ELSE 0 END AS ae_known,
      CASE WHEN acc_known = 1 AND task = 'regression' THEN ABS(CAST(label AS REAL) - CAST(o_label AS REAL)) ELSE 0 END AS ae
    FROM (SELECT *, CASE WHEN ranked = 0 THEN 0 ELSE label_rank END AS first_rank
      FROM (SELECT p.model_name, p.model_version, p.time_ms, p.trained_at_ms, p.task, p.score, p.samplerate,
          p.outcome_ttl_s, p.shadow, p.label, p.top_ids, p.label_rank, p.o_label, p.o_rel,
          p.o_event_id, p.o_first_ms AS first_o_ms, (p.o_event_id IS NOT NULL) AS has_o,
          (p.o_label IS NOT NULL OR COALESCE(p.o_rel, '[]') <> '[]') AS labeled,
          (p.o_label IS NOT NULL OR COALESCE(p.o_rel, '[]') <> '[]') AND p.top_ids <> '[]' AS ranked,
          (p.label IS NOT NULL AND p.o_label IS NOT NULL) AS acc_known
        FROM predictions p
        WHERE ${predictionFilter(options, str, "p")} LIMIT -1 OFFSET 0))`;
    },
    exposed(options) {
      // First exposure, subject and feedback flags per prediction from exposure_state, kept at ingest.
      return `SELECT e.model_name, COALESCE(e.model_version, '(unknown)') AS model_version,
      e.first_ms AS time_ms, CASE WHEN e.subject_key IS NULL THEN NULL ELSE e.first_ms - fs.first_ms END AS exposure_age_ms,
      e.accepted, e.ignored, e.rejected
    FROM exposure_state e
    LEFT JOIN subject_state fs ON fs.model_name = e.model_name AND fs.subject_key = e.subject_key
    WHERE e.first_ms >= ${num(options.fromMs)} AND e.first_ms < ${num(options.toMs)}
      ${options.model === undefined ? "" : `AND e.model_name = ${str(options.model)}`}`;
    },
    businessRows(scored) {
      // With how the suggestions were used (business-by-use.ts): exposure_state and the least accepted position
      // (accepted_position, schema 9), so the report copies these rows once for both business sections.
      return `SELECT s.model_name, s.model_version, s.time_ms, m.prediction_id, m.name, m.value,
        (e.first_ms IS NOT NULL) AS shown, COALESCE(e.accepted, 0) AS accepted,
        COALESCE(e.ignored, 0) AS ignored, a.position AS acc_pos
      FROM (${scored}) s JOIN outcome_metrics m ON m.event_id = s.o_event_id
      LEFT JOIN exposure_state e ON e.model_name = s.model_name AND e.prediction_id = m.prediction_id
      LEFT JOIN accepted_position a ON a.model_name = s.model_name AND a.prediction_id = m.prediction_id
      WHERE s.shadow = 0`;
    },
    shownCandidates(options) {
      // Candidate rows carry their prediction's version, time and k (schema 3): no join per row.
      return `SELECT model_name, model_version, time_ms, prediction_id, candidate_id, rank, item_age_s FROM candidates
      WHERE rank <= COALESCE(k, ${num(options.k)}) AND ${predictionFilter(options, str)}`;
    },
    driftRows(model, feature, scored) {
      if (feature === PREDICTED_LABEL) {
        return `SELECT time_ms, NULL AS num_value, label AS str_value FROM predictions
        WHERE model_name = ${str(model)} AND shadow = 0`;
      }
      if (feature === TRUE_LABEL) {
        return `SELECT time_ms, num_value, o_label AS str_value FROM (SELECT time_ms, NULL AS num_value, o_label
        FROM (${scored}) WHERE has_o = 1 AND shadow = 0 AND model_name = ${str(model)})`;
      }
      return `SELECT time_ms, num_value, str_value FROM features WHERE model_name = ${str(model)} AND name = ${str(feature)}`;
    },
    categoricalRows(model, feature, scored, fromMs, toMs, options) {
      // The true label's rows come from `scored`, which holds the report's range only.
      const from = feature === TRUE_LABEL ? Math.max(fromMs, options.fromMs) : fromMs;
      const to = feature === TRUE_LABEL ? Math.min(toMs, options.toMs) : toMs;
      // Whole UTC hours from 1970 on inside [from, to) come from drift_counts; the rest from the rows (sqlite-hours.ts).
      const { hours, edges } = splitByHours(from, to);
      const [source, name] =
        feature === PREDICTED_LABEL
          ? [DRIFT_PREDICTED, ""]
          : feature === TRUE_LABEL
            ? [DRIFT_TRUE, ""]
            : [DRIFT_FEATURE, feature];
      const parts = [
        `SELECT hour_ms AS time_ms, CASE WHEN is_null = 1 THEN NULL ELSE value END AS str_value, cnt AS c
       FROM drift_counts WHERE model_name = ${str(model)} AND source = ${source} AND name = ${str(name)}
         AND hour_ms >= ${num(hours.left)} AND hour_ms < ${num(hours.right)}`,
      ];
      const src = dialect.driftRows(model, feature, scored);
      for (const [lo, hi] of edges) {
        parts.push(
          `SELECT time_ms, str_value, 1 AS c FROM (${src}) WHERE time_ms >= ${num(lo)} AND time_ms < ${num(hi)}`,
        );
      }
      return parts.join(" UNION ALL ");
    },
    modelNames(options) {
      if (options.model !== undefined) {
        return `SELECT model_name FROM predictions WHERE model_name = ${str(options.model)} LIMIT 1`;
      }
      // Skips from one model to the next along predictions_join (model_name, prediction_id): a seek per model
      // instead of DISTINCT's walk over every entry of the index (0.15 s at 500K predictions).
      return `WITH RECURSIVE m(model_name) AS (
        SELECT MIN(model_name) FROM predictions
        UNION ALL
        SELECT (SELECT MIN(model_name) FROM predictions WHERE model_name > m.model_name) FROM m
        WHERE m.model_name IS NOT NULL)
      SELECT model_name FROM m WHERE model_name IS NOT NULL`;
    },
    firstPredictionTime(model, fromMs, toMs) {
      // Along predictions_model_time (model_name, model_version, time_ms): the model's versions by a skip from one
      // to the next, then each version's first time in the range by a seek, instead of reading every index entry
      // of the model (0.09-0.39 s at 500K predictions).
      const m = str(model);
      return `WITH RECURSIVE v(version) AS (
        SELECT MIN(model_version) FROM predictions WHERE model_name = ${m}
        UNION ALL
        SELECT (SELECT MIN(model_version) FROM predictions WHERE model_name = ${m} AND model_version > v.version)
        FROM v WHERE v.version IS NOT NULL)
      SELECT MIN((SELECT MIN(time_ms) FROM predictions WHERE model_name = ${m} AND model_version = v.version
          AND time_ms >= ${num(fromMs)} AND time_ms < ${num(toMs)})) AS t
      FROM v WHERE v.version IS NOT NULL`;
    },
    featureNames(options) {
      // Skips from one (model, name) to the next along the features key (model_name, name, ...) instead of
      // reading every feature row: each step seeks the next name in the model, or else the next model and its
      // first name; the step after the last name finds NULL and ends the walk.
      const and = options.model === undefined ? "" : `AND model_name = ${str(options.model)}`;
      const nextInModel = (column: string) =>
        `(SELECT ${column} FROM features WHERE model_name = k.model_name AND name > k.name ORDER BY name LIMIT 1)`;
      const nextModel =
        options.model === undefined
          ? "(SELECT model_name FROM features WHERE model_name > k.model_name ORDER BY model_name LIMIT 1)"
          : "NULL";
      return `WITH RECURSIVE k(model_name, name) AS (
        SELECT * FROM (SELECT model_name, name FROM features WHERE true ${and} ORDER BY model_name, name LIMIT 1)
        UNION ALL
        SELECT COALESCE(${nextInModel("model_name")}, ${nextModel}),
          COALESCE(${nextInModel("name")},
            (SELECT name FROM features WHERE model_name = ${nextModel} ORDER BY name LIMIT 1))
        FROM k WHERE k.model_name IS NOT NULL)
      SELECT model_name, name FROM k WHERE model_name IS NOT NULL ORDER BY model_name, name`;
    },
    async counts(query, source, groups) {
      // The store's hash-grouping count (sqlite-functions.ts) instead of GROUP BY's sort of every row.
      const [row] = await query(`SELECT ${COUNTS_FN}(${groups.join(", ")}) AS j FROM (${source})`);
      return rowsOf(row, [...groups, "cnt"], groups);
    },
    async quantiles(query, source, groups, value, qs) {
      // The store's hash-grouping quantile aggregate (sqlite-functions.ts): no sort of every row in SQL.
      const levels = str(JSON.stringify(qs.map((value) => Number(num(quantileLevel(value))))));
      const gc = groups.map((group) => `, ${group}`).join("");
      const [row] = await query(`SELECT ${QUANTILES_FN}(${levels}, x${gc}) AS j
      FROM (SELECT ${value} AS x${gc} FROM (${source})) WHERE x IS NOT NULL`);
      return rowsOf(row, [...groups, ...qs.map((_, index) => `q${index}`), "n", "total"], groups);
    },
  };
  return dialect;
}

/** The JSON rows of an aggregate in sqlite-functions.ts as records, ordered by the group columns. */
function rowsOf(
  row: Record<string, unknown> | undefined,
  names: string[],
  groups: string[],
): Record<string, unknown>[] {
  const rows = (JSON.parse(String(row?.j ?? "[]")) as unknown[][]).map((value) =>
    Object.fromEntries(names.map((name, index) => [name, value[index]])),
  );
  return rows.sort((left, right) => compareGroups(left, right, groups));
}

/** ORDER BY of the group columns as SQLite does it: NULL, then numbers, then text by its UTF-8 bytes. */
export function compareGroups(left: Record<string, unknown>, right: Record<string, unknown>, groups: string[]): number {
  const rank = (value: unknown) => (value === null || value === undefined ? 0 : typeof value === "number" ? 1 : 2);
  for (const text of groups) {
    const item = left[text];
    const second = right[text];
    const count =
      rank(item) - rank(second) ||
      (typeof item === "number" && typeof second === "number" ? item - second : 0) ||
      (rank(item) === 2 ? Buffer.compare(Buffer.from(String(item)), Buffer.from(String(second))) : 0);
    if (count !== 0) return count;
  }
  return 0;
}
