import type { MetricsContext } from "./run.js";
import { asNumber, asText } from "./run.js";
import { predictionFilter, windowStart } from "./sql-common.js";

/** A version's labeled predictions in one report window. */
export interface VersionWindow {
  model: string;
  version: string;
  windowMs: number;
  predictions: number;
  /** Of them, logged with `shadow: true`. */
  shadow: number;
  labeled: number;
  correct: number;
}

/** Labeled requests two versions (`first` < `second` as text) both scored in one window, and who alone was right. */
export interface PairWindow {
  model: string;
  first: string;
  second: string;
  windowMs: number;
  pairs: number;
  firstOnly: number;
  secondOnly: number;
}

/**
 * Predictions, challengers and labeled accuracy per version and window of `models`, from the `scored` relation;
 * none asked, no query (a report whose models ran one version at a time reads nothing more).
 */
export async function versionWindows(
  { dialect, options, query, scored }: MetricsContext,
  models: string[],
): Promise<VersionWindow[]> {
  if (models.length === 0) return [];
  const rows = await query(`SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w,
      COUNT(*) AS cnt, SUM(shadow) AS n_shadow, SUM(acc_known) AS acc_n, SUM(correct) AS n_correct
    FROM (${scored}) WHERE model_name IN (${models.map((model) => dialect.text(model)).join(", ")})
    GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`);
  return rows.map((row) => ({
    model: asText(row.model_name),
    version: asText(row.model_version),
    windowMs: asNumber(row.w),
    predictions: asNumber(row.cnt),
    shadow: asNumber(row.n_shadow),
    labeled: asNumber(row.acc_n),
    correct: asNumber(row.n_correct),
  }));
}

/**
 * Models with two or more versions counted in one window (`count` > 0: predictions in the quality rows, labeled
 * ones in `versionWindows`): the only ones worth the next, finer query.
 */
export function overlappingModels(
  rows: readonly { model: string; version: string; window: number | string; count: number }[],
): string[] {
  const versions = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.count === 0) continue;
    const key = `${row.model}\u0000${row.window}`;
    versions.set(key, (versions.get(key) ?? new Set()).add(row.version));
  }
  const models = new Set<string>();
  for (const [key, value] of versions) if (value.size > 1) models.add(key.slice(0, key.indexOf("\u0000")));
  return [...models].sort();
}

/**
 * Labeled requests scored by two versions of `models`: predictions with the same model name and prediction id
 * (a challenger shares the shown prediction's id), each right when its label is the latest outcome's. The
 * window is that of the earlier of the two predictions.
 */
export async function pairWindows(ctx: MetricsContext, models: string[]): Promise<PairWindow[]> {
  if (models.length === 0) return [];
  const { dialect, options, query } = ctx;
  const inModels = `model_name IN (${models.map((model) => dialect.text(model)).join(", ")})`;
  const text = (value: string) => dialect.text(value);
  const sums = (
    ca: string,
    cb: string,
  ) => `COUNT(*) AS pairs, SUM(CASE WHEN ${ca} = 1 AND ${cb} = 0 THEN 1 ELSE 0 END) AS a_only,
      SUM(CASE WHEN ${ca} = 0 AND ${cb} = 1 THEN 1 ELSE 0 END) AS b_only`;
  let sql: string;
  if (dialect.kind === "sqlite") {
    const labeled = `SELECT p.model_name, p.prediction_id, p.model_version, p.time_ms, p.label = o.label AS c
      FROM predictions p JOIN outcome_state o ON o.model_name = p.model_name AND o.prediction_id = p.prediction_id
      WHERE ${predictionFilter(options, text, "p")} AND p.${inModels} AND p.label IS NOT NULL AND o.label IS NOT NULL`;
    sql = `SELECT a.model_name, a.model_version AS va, b.model_version AS vb,
        ${windowStart("MIN(a.time_ms, b.time_ms)", options.windowMs)} AS w, ${sums("a.c", "b.c")}
      FROM (${labeled}) a JOIN (${labeled}) b
        ON b.model_name = a.model_name AND b.prediction_id = a.prediction_id AND a.model_version < b.model_version
      GROUP BY a.model_name, va, vb, w ORDER BY a.model_name, va, vb, w`;
  } else {
    // 18.16: one join per SELECT, so each side is a nested join of predictions and their latest outcome label.
    const side = (
      value: string,
      time: string,
      char: string,
    ) => `SELECT model_name, prediction_id, model_version AS ${value},
        time_ms AS ${time}, toUInt8(ifNull(label = o_label, 0)) AS ${char} FROM (
        SELECT model_name, prediction_id, model_version, time_ms, label FROM predictions FINAL
        WHERE ${predictionFilter(options, text)} AND ${inModels} AND isNotNull(label)
      ) ALL INNER JOIN (
        SELECT model_name, prediction_id, argMax(label, (revision, time_ms, event_id)) AS o_label
        FROM outcomes FINAL WHERE ${inModels} GROUP BY model_name, prediction_id
      ) USING (model_name, prediction_id) WHERE isNotNull(o_label)`;
    sql = `SELECT model_name, va, vb, ${windowStart("least(ta, tb)", options.windowMs)} AS w, ${sums("ca", "cb")}
      FROM (${side("va", "ta", "ca")}) ALL INNER JOIN (${side("vb", "tb", "cb")}) USING (model_name, prediction_id)
      WHERE va < vb GROUP BY model_name, va, vb, w ORDER BY model_name, va, vb, w`;
  }
  const rows = await query(sql);
  return rows.map((row) => ({
    model: asText(row.model_name),
    first: asText(row.va),
    second: asText(row.vb),
    windowMs: asNumber(row.w),
    pairs: asNumber(row.pairs),
    firstOnly: asNumber(row.a_only),
    secondOnly: asNumber(row.b_only),
  }));
}
