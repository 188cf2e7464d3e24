import type { MetricsContext } from "./run.js";
import { asNumber, asText, iso } from "./run.js";
import { windowStart } from "./sql-common.js";
import { studentTQuantile } from "./student-t.js";
import type { BusinessUseRow } from "./types.js";

/**
 * How a prediction's suggestions were used, as the SQL codes them: r ≥ 1 = the accepted candidate's rank
 * (feedback `position` + 1; the best when several were accepted), 0 = accepted without a position,
 * -1 = ignored or dismissed (nothing accepted), -2 = shown and nothing accepted or ignored, -3 = never shown.
 */
const USE_NAMES: Record<number, string> = {
  0: "accepted, position unknown",
  [-1]: "ignored",
  [-2]: "none accepted",
  [-3]: "not shown",
};
export const useName = (code: number): string => USE_NAMES[code] ?? `rank ${code}`;
/** The baseline the accepted ranks are compared with: shown, and no suggestion used. */
export const NO_SUGGESTION_USED = "no suggestion used";
const BASELINE_CODES = new Set([-1, -2]);
/** Two-sided 95 % Welch intervals. */
const CONFIDENCE = 0.95;

const USE_CODE = `CASE WHEN accepted = 1 THEN COALESCE(acc_pos + 1, 0) WHEN ignored = 1 THEN -1 WHEN shown = 1 THEN -2 ELSE -3 END`;

/** Per prediction with a business metric on its latest outcome: model, version, time, metric name and value, use code. */
function usedRows({ dialect, business }: MetricsContext): string {
  // SQLite's business rows carry their use (`Dialect.businessRows`), copied once per report.
  if (dialect.kind === "sqlite") return business;
  // The biz rows carry their prediction's exposures and feedback (ClickHouse's followups states, joined in `scored`).
  return `SELECT model_name, model_version, time_ms, name, value, e_shown AS shown, e_accepted AS accepted,
      e_ignored AS ignored, if(e_acc_known > 0, toNullable(e_acc_first), CAST(NULL AS Nullable(Int32))) AS acc_pos
    FROM (${business})`;
}

interface Sums {
  n: number;
  sum: number;
  sumSquares: number;
}
const add = (sums: Sums, right: Sums): Sums => ({
  n: sums.n + right.n,
  sum: sums.sum + right.sum,
  sumSquares: sums.sumSquares + right.sumSquares,
});
const mean = (sums: Sums): number | null => (sums.n === 0 ? null : sums.sum / sums.n);
/** Sample variance (n − 1). */
const variance = (sums: Sums): number | null =>
  sums.n < 2 ? null : Math.max(0, (sums.sumSquares - (sums.sum * sums.sum) / sums.n) / (sums.n - 1));

/**
 * Welch's difference of means a − b with its two-sided interval: standard error √(s²a/na + s²b/nb),
 * Welch–Satterthwaite degrees of freedom, Student's t quantile. Null without two values on each side or
 * when both variances are 0.
 */
export function welch(sums: Sums, right: Sums): { difference: number; low: number; high: number; df: number } | null {
  const va = variance(sums);
  const vb = variance(right);
  if (va === null || vb === null) return null;
  const qa = va / sums.n;
  const qb = vb / right.n;
  const se2 = qa + qb;
  if (se2 === 0) return null;
  const df = (se2 * se2) / ((qa * qa) / (sums.n - 1) + (qb * qb) / (right.n - 1));
  const half = studentTQuantile(1 - (1 - CONFIDENCE) / 2, df) * Math.sqrt(se2);
  const difference = (mean(sums) as number) - (mean(right) as number);
  return { difference, low: difference - half, high: difference + half, df };
}

/**
 * Business metrics by how the suggestions were used (accepted rank, none accepted, ignored, not shown), per
 * model, version, metric and window, and over the whole report (`windowStart` null); each accepted rank
 * compared with "no suggestion used" (shown, nothing accepted) by Welch's 95 % interval.
 */
export async function businessByUse(ctx: MetricsContext): Promise<BusinessUseRow[]> {
  const { dialect, options, query } = ctx;
  const rows = await query(
    dialect.inOrder(`SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w, name,
      ${USE_CODE} AS use_code, COUNT(*) AS cnt, SUM(value) AS total, SUM(value * value) AS squares
    FROM (${usedRows(ctx)})
    GROUP BY model_name, model_version, w, name, use_code ORDER BY model_name, model_version, name, w, use_code`),
  );
  // Per (model, version, metric, window or "all"): sums per use code.
  const groups = new Map<
    string,
    { model: string; version: string; metric: string; w: number | null; uses: Map<number, Sums> }
  >();
  const at = (model: string, version: string, metric: string, weight: number | null) => {
    const key = JSON.stringify([model, version, metric, weight]);
    let group = groups.get(key);
    if (!group) {
      group = { model, version, metric, w: weight, uses: new Map() };
      groups.set(key, group);
    }
    return group;
  };
  for (const result of rows) {
    const sums: Sums = { n: asNumber(result.cnt), sum: asNumber(result.total), sumSquares: asNumber(result.squares) };
    const code = asNumber(result.use_code);
    for (const weight of [asNumber(result.w), null]) {
      const group = at(asText(result.model_name), asText(result.model_version), asText(result.name), weight);
      group.uses.set(code, add(group.uses.get(code) ?? { n: 0, sum: 0, sumSquares: 0 }, sums));
    }
  }
  const out: BusinessUseRow[] = [];
  for (const group of groups.values()) {
    let baseline: Sums = { n: 0, sum: 0, sumSquares: 0 };
    for (const [code, sums] of group.uses) if (BASELINE_CODES.has(code)) baseline = add(baseline, sums);
    const ordered = [...group.uses].sort(([left], [bytes]) => (left > 0 && bytes > 0 ? left - bytes : bytes - left));
    const entries: [string, Sums, boolean][] = ordered.map(([code, sums]) => [useName(code), sums, code >= 0]);
    entries.push([NO_SUGGESTION_USED, baseline, false]);
    for (const [use, sums, compared] of entries) {
      if (sums.n === 0) continue;
      const test = compared && baseline.n > 0 ? welch(sums, baseline) : null;
      out.push({
        model: group.model,
        version: group.version,
        metric: group.metric,
        windowStart: group.w === null ? null : iso(group.w),
        use,
        n: sums.n,
        mean: mean(sums) as number,
        sd: variance(sums) === null ? null : Math.sqrt(variance(sums) as number),
        differenceToNoSuggestion: test?.difference ?? null,
        ciLow: test?.low ?? null,
        ciHigh: test?.high ?? null,
      });
    }
  }
  return out.sort(
    (left, right) =>
      left.model.localeCompare(right.model) ||
      left.version.localeCompare(right.version) ||
      left.metric.localeCompare(right.metric) ||
      (left.windowStart ?? "~").localeCompare(right.windowStart ?? "~"),
  );
}
