import type { ResolvedReportOptions } from "./options.js";
import type { MetricsContext, Rows } from "./run.js";
import { asNumber, asText, iso, rate } from "./run.js";
import { windowStart } from "./sql-common.js";
import type { CalibrationRow, LabelFreeRow, QualityRow } from "./types.js";

/**
 * Why a version gets no label-free estimate, or null when its scores are calibrated enough: checked on its
 * labeled predictions over the whole report (the calibration section), against `maxEce` and `minLabels`.
 */
export function refusal(row: CalibrationRow | undefined, options: ResolvedReportOptions): string | null {
  if (!row || row.n < options.minLabels || row.ece === null) {
    return `too few labeled predictions with a score to check calibration (${row?.n ?? 0} < minLabels ${options.minLabels})`;
  }
  if (row.ece > options.maxEce)
    return `scores are not calibrated: ECE ${row.ece.toFixed(3)} > maxEce ${options.maxEce}`;
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
  const { dialect, options, query, scored } = ctx;
  const rows = await query(
    dialect.inOrder(`SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w, COUNT(*) AS cnt,
      SUM(score) AS score_sum, SUM(acc_known) AS n_known, SUM(correct) AS n_correct
    FROM (${scored}) WHERE ${SCORED_IN_RANGE}
    GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`),
  );
  return labelFreeOf(rows, calibration, quality, options);
}

/** The predictions whose top score the label-free estimate reads (a probability). */
export const SCORED_IN_RANGE = "score IS NOT NULL AND score >= 0 AND score <= 1";

/**
 * Label-free rows from per-window sums (model_name, model_version, w, cnt, score_sum, n_known, n_correct) of the
 * predictions with a score in [0, 1], ordered by model, version and window.
 */
export function labelFreeOf(
  rows: Rows,
  calibration: CalibrationRow[],
  quality: QualityRow[],
  options: ResolvedReportOptions,
): LabelFreeRow[] {
  const refusals = new Map(calibration.map((row) => [`${row.model}\u0000${row.version}`, row]));
  const coverage = new Map(
    quality.map((row) => [`${row.model}\u0000${row.version}\u0000${row.windowStart}`, row.labelCoverage]),
  );
  return rows.map((row) => {
    const model = asText(row.model_name);
    const version = asText(row.model_version);
    const windowStartIso = iso(asNumber(row.w));
    const refused = refusal(refusals.get(`${model}\u0000${version}`), options);
    const estimate = refused === null ? asNumber(row.score_sum) / asNumber(row.cnt) : null;
    const realized = rate(asNumber(row.n_correct), asNumber(row.n_known));
    return {
      model,
      version,
      windowStart: windowStartIso,
      n: asNumber(row.cnt),
      estimatedAccuracy: estimate,
      realizedAccuracy: realized,
      labeled: asNumber(row.n_known),
      labelCoverage: coverage.get(`${model}\u0000${version}\u0000${windowStartIso}`) ?? null,
      error:
        estimate !== null && realized !== null && asNumber(row.n_known) >= options.minLabels
          ? estimate - realized
          : null,
      refused,
    };
  });
}
