import { SCORED_IN_RANGE } from "./label-free.js";
import { qualityOf, qualitySql } from "./quality.js";
import type { MetricsContext, Rows } from "./run.js";
import type { QualityRow } from "./types.js";

/**
 * SQLite: the quality section and the label-free section's sums in one pass over the per-prediction relation, which
 * both group by model, version and window. Each label-free sum adds the same values in the same order as its own
 * query did (GROUP BY's sort keeps the rows of a group in scan order, and SUM skips the NULL of a row outside
 * the label-free set), so the numbers are the same bits; one scan and one sort of the rows fewer.
 */
export interface QualityPass {
  quality: QualityRow[];
  /** Rows for `labelFreeOf`: the windows with at least one prediction scored in [0, 1]. */
  labelFree: Rows;
}

const LABEL_FREE_SUMS = ` SUM(CASE WHEN ${SCORED_IN_RANGE} THEN 1 ELSE 0 END) AS lf_cnt,
    SUM(CASE WHEN ${SCORED_IN_RANGE} THEN score END) AS lf_score_sum,
    SUM(CASE WHEN ${SCORED_IN_RANGE} THEN acc_known ELSE 0 END) AS lf_known,
    SUM(CASE WHEN ${SCORED_IN_RANGE} THEN correct ELSE 0 END) AS lf_correct,`;

export async function sqliteQualityPass(ctx: MetricsContext): Promise<QualityPass> {
  const rows = await ctx.query(qualitySql(ctx, LABEL_FREE_SUMS));
  return {
    quality: qualityOf(rows, ctx.options),
    labelFree: rows
      .filter((row) => Number(row.lf_cnt) > 0)
      .map((row) => ({
        model_name: row.model_name,
        model_version: row.model_version,
        w: row.w,
        cnt: row.lf_cnt,
        score_sum: row.lf_score_sum,
        n_known: row.lf_known,
        n_correct: row.lf_correct,
      })),
  };
}
