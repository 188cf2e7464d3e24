import type { ResolvedReportOptions } from "./options.js";
import type { MetricsContext } from "./run.js";
import { iso, n, rate, s } from "./run.js";
import { windowStart } from "./sql-common.js";
import type { CalibrationRow, LabelFreeRow, QualityRow } from "./types.js";

/**
 * Why a version gets no label-free estimate, or null when its scores are calibrated enough: checked on its
 * labeled predictions over the whole report (the calibration section), against `maxEce` and `minLabels`.
 */
export function refusal(c: CalibrationRow | undefined, o: ResolvedReportOptions): string | null {
  if (!c || c.n < o.minLabels || c.ece === null) {
    return `too few labeled predictions with a score to check calibration (${c?.n ?? 0} < minLabels ${o.minLabels})`;
  }
  if (c.ece > o.maxEce) return `scores are not calibrated: ECE ${c.ece.toFixed(3)} > maxEce ${o.maxEce}`;
  return null;
}

/**
 * Confidence-based performance estimation (CBPE, as NannyML does for classifiers): with calibrated top scores,
 * the expected accuracy of a window is the mean top score of its predictions, labels or not. Shown beside the
 * realized accuracy and label coverage; `error` = estimate − realized where at least `minLabels` labels arrived.
 */
export async function labelFree(
  ctx: MetricsContext,
  calibration: CalibrationRow[],
  quality: QualityRow[],
): Promise<LabelFreeRow[]> {
  const { d, o, q, scored } = ctx;
  const rows = await q(
    d.inOrder(`SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w, COUNT(*) AS cnt,
      SUM(score) AS score_sum, SUM(acc_known) AS n_known, SUM(correct) AS n_correct
    FROM (${scored}) WHERE score IS NOT NULL AND score >= 0 AND score <= 1
    GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`),
  );
  const refusals = new Map(calibration.map((c) => [`${c.model}\u0000${c.version}`, c]));
  const coverage = new Map(quality.map((x) => [`${x.model}\u0000${x.version}\u0000${x.windowStart}`, x.labelCoverage]));
  return rows.map((r) => {
    const model = s(r.model_name);
    const version = s(r.model_version);
    const windowStartIso = iso(n(r.w));
    const refused = refusal(refusals.get(`${model}\u0000${version}`), o);
    const estimate = refused === null ? n(r.score_sum) / n(r.cnt) : null;
    const realized = rate(n(r.n_correct), n(r.n_known));
    return {
      model,
      version,
      windowStart: windowStartIso,
      n: n(r.cnt),
      estimatedAccuracy: estimate,
      realizedAccuracy: realized,
      labeled: n(r.n_known),
      labelCoverage: coverage.get(`${model}\u0000${version}\u0000${windowStartIso}`) ?? null,
      error: estimate !== null && realized !== null && n(r.n_known) >= o.minLabels ? estimate - realized : null,
      refused,
    };
  });
}
