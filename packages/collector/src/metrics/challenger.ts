import type { MetricsContext } from "./run.js";
import { n, s } from "./run.js";
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
export async function versionWindows({ d, o, q, scored }: MetricsContext, models: string[]): Promise<VersionWindow[]> {
  if (models.length === 0) return [];
  const rows = await q(`SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w,
      COUNT(*) AS cnt, SUM(shadow) AS n_shadow, SUM(acc_known) AS acc_n, SUM(correct) AS n_correct
    FROM (${scored}) WHERE model_name IN (${models.map((m) => d.text(m)).join(", ")})
    GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`);
  return rows.map((r) => ({
    model: s(r.model_name),
    version: s(r.model_version),
    windowMs: n(r.w),
    predictions: n(r.cnt),
    shadow: n(r.n_shadow),
    labeled: n(r.acc_n),
    correct: n(r.n_correct),
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
  for (const r of rows) {
    if (r.count === 0) continue;
    const key = `${r.model}\u0000${r.window}`;
    versions.set(key, (versions.get(key) ?? new Set()).add(r.version));
  }
  const models = new Set<string>();
  for (const [key, v] of versions) if (v.size > 1) models.add(key.slice(0, key.indexOf("\u0000")));
  return [...models].sort();
}

/**
 * Labeled requests scored by two versions of `models`: predictions with the same model name and prediction id
 * (a challenger shares the shown prediction's id), each right when its label is the latest outcome's. The
 * window is that of the earlier of the two predictions.
 */
export async function pairWindows(ctx: MetricsContext, models: string[]): Promise<PairWindow[]> {
  if (models.length === 0) return [];
  const { d, o, q } = ctx;
  const inModels = `model_name IN (${models.map((m) => d.text(m)).join(", ")})`;
  const text = (v: string) => d.text(v);
  const sums = (
    ca: string,
    cb: string,
  ) => `COUNT(*) AS pairs, SUM(CASE WHEN ${ca} = 1 AND ${cb} = 0 THEN 1 ELSE 0 END) AS a_only,
      SUM(CASE WHEN ${ca} = 0 AND ${cb} = 1 THEN 1 ELSE 0 END) AS b_only`;
  let sql: string;
  if (d.kind === "sqlite") {
    const labeled = `SELECT p.model_name, p.prediction_id, p.model_version, p.time_ms, p.label = o.label AS c
      FROM predictions p JOIN outcome_state o ON o.model_name = p.model_name AND o.prediction_id = p.prediction_id
      WHERE ${predictionFilter(o, text, "p")} AND p.${inModels} AND p.label IS NOT NULL AND o.label IS NOT NULL`;
    sql = `SELECT a.model_name, a.model_version AS va, b.model_version AS vb,
        ${windowStart("MIN(a.time_ms, b.time_ms)", o.windowMs)} AS w, ${sums("a.c", "b.c")}
      FROM (${labeled}) a JOIN (${labeled}) b
        ON b.model_name = a.model_name AND b.prediction_id = a.prediction_id AND a.model_version < b.model_version
      GROUP BY a.model_name, va, vb, w ORDER BY a.model_name, va, vb, w`;
  } else {
    // 18.16: one join per SELECT, so each side is a nested join of predictions and their latest outcome label.
    const side = (v: string, t: string, c: string) => `SELECT model_name, prediction_id, model_version AS ${v},
        time_ms AS ${t}, toUInt8(ifNull(label = o_label, 0)) AS ${c} FROM (
        SELECT model_name, prediction_id, model_version, time_ms, label FROM predictions FINAL
        WHERE ${predictionFilter(o, text)} AND ${inModels} AND isNotNull(label)
      ) ALL INNER JOIN (
        SELECT model_name, prediction_id, argMax(label, (revision, time_ms, event_id)) AS o_label
        FROM outcomes FINAL WHERE ${inModels} GROUP BY model_name, prediction_id
      ) USING (model_name, prediction_id) WHERE isNotNull(o_label)`;
    sql = `SELECT model_name, va, vb, ${windowStart("least(ta, tb)", o.windowMs)} AS w, ${sums("ca", "cb")}
      FROM (${side("va", "ta", "ca")}) ALL INNER JOIN (${side("vb", "tb", "cb")}) USING (model_name, prediction_id)
      WHERE va < vb GROUP BY model_name, va, vb, w ORDER BY model_name, va, vb, w`;
  }
  const rows = await q(sql);
  return rows.map((r) => ({
    model: s(r.model_name),
    first: s(r.va),
    second: s(r.vb),
    windowMs: n(r.w),
    pairs: n(r.pairs),
    firstOnly: n(r.a_only),
    secondOnly: n(r.b_only),
  }));
}
