import type { MetricsContext } from "./run.js";
import { iso, n, s } from "./run.js";
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
function usedRows({ d, o, scored }: MetricsContext): string {
  if (d.kind === "sqlite") {
    // `scored` holds the report's model and range only; exposure_state and the accepted positions join to it.
    return `SELECT b.model_name, b.model_version, b.time_ms, b.name, b.value,
        (e.first_ms IS NOT NULL) AS shown, COALESCE(e.accepted, 0) AS accepted,
        COALESCE(e.ignored, 0) AS ignored, a.acc_pos
      FROM (SELECT s.model_name, s.model_version, s.time_ms, m.prediction_id, m.name, m.value
        FROM (${scored}) s JOIN outcome_metrics m ON m.event_id = s.o_event_id WHERE s.shadow = 0) b
      LEFT JOIN exposure_state e ON e.model_name = b.model_name AND e.prediction_id = b.prediction_id
      LEFT JOIN (SELECT model_name, prediction_id, MIN(position) AS acc_pos FROM feedback
        WHERE action = 'accepted' AND position IS NOT NULL GROUP BY model_name, prediction_id) a
        ON a.model_name = b.model_name AND a.prediction_id = b.prediction_id`;
  }
  const model = o.model === undefined ? "" : `WHERE model_name = ${d.text(o.model)}`;
  // 18.16 joins one table per SELECT: the biz rows, then their exposures, then their feedback, nested.
  return `SELECT model_name, model_version, time_ms, name, value, shown, accepted, ignored,
      if(acc_known > 0, toNullable(acc_first), CAST(NULL AS Nullable(Int32))) AS acc_pos FROM (
      SELECT * FROM (
        SELECT model_name, model_version, time_ms, prediction_id, name, value FROM (
          SELECT model_name, model_version, time_ms, o_event_id FROM (${scored}) WHERE shadow = 0
        ) ALL INNER JOIN (SELECT event_id AS o_event_id, prediction_id, name, value FROM outcome_metrics FINAL ${model})
        USING (o_event_id)
      ) ANY LEFT JOIN (
        SELECT model_name, prediction_id, toUInt8(1) AS shown FROM exposures FINAL ${model} GROUP BY model_name, prediction_id
      ) USING (model_name, prediction_id)
    ) ANY LEFT JOIN (
      SELECT model_name, prediction_id, max(action = 'accepted') AS accepted,
        max(action IN ('ignored', 'dismissed')) AS ignored,
        countIf(action = 'accepted' AND isNotNull(position)) AS acc_known,
        minIf(toInt32(ifNull(position, 0)), action = 'accepted' AND isNotNull(position)) AS acc_first
      FROM feedback FINAL ${model} GROUP BY model_name, prediction_id
    ) USING (model_name, prediction_id)`;
}

interface Sums {
  n: number;
  sum: number;
  sumSquares: number;
}
const add = (a: Sums, b: Sums): Sums => ({ n: a.n + b.n, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares });
const mean = (x: Sums): number | null => (x.n === 0 ? null : x.sum / x.n);
/** Sample variance (n − 1). */
const variance = (x: Sums): number | null =>
  x.n < 2 ? null : Math.max(0, (x.sumSquares - (x.sum * x.sum) / x.n) / (x.n - 1));

/**
 * Welch's difference of means a − b with its two-sided interval: standard error √(s²a/na + s²b/nb),
 * Welch–Satterthwaite degrees of freedom, Student's t quantile. Null without two values on each side or
 * when both variances are 0.
 */
export function welch(a: Sums, b: Sums): { difference: number; low: number; high: number; df: number } | null {
  const va = variance(a);
  const vb = variance(b);
  if (va === null || vb === null) return null;
  const qa = va / a.n;
  const qb = vb / b.n;
  const se2 = qa + qb;
  if (se2 === 0) return null;
  const df = (se2 * se2) / ((qa * qa) / (a.n - 1) + (qb * qb) / (b.n - 1));
  const half = studentTQuantile(1 - (1 - CONFIDENCE) / 2, df) * Math.sqrt(se2);
  const difference = (mean(a) as number) - (mean(b) as number);
  return { difference, low: difference - half, high: difference + half, df };
}

/**
 * Business metrics by how the suggestions were used (accepted rank, none accepted, ignored, not shown), per
 * model, version, metric and window, and over the whole report (`windowStart` null); each accepted rank
 * compared with "no suggestion used" (shown, nothing accepted) by Welch's 95 % interval.
 */
export async function businessByUse(ctx: MetricsContext): Promise<BusinessUseRow[]> {
  const { o, q } = ctx;
  const rows = await q(`SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w, name,
      ${USE_CODE} AS use_code, COUNT(*) AS cnt, SUM(value) AS total, SUM(value * value) AS squares
    FROM (${usedRows(ctx)})
    GROUP BY model_name, model_version, w, name, use_code ORDER BY model_name, model_version, name, w, use_code`);
  // Per (model, version, metric, window or "all"): sums per use code.
  const groups = new Map<
    string,
    { model: string; version: string; metric: string; w: number | null; uses: Map<number, Sums> }
  >();
  const at = (model: string, version: string, metric: string, w: number | null) => {
    const key = JSON.stringify([model, version, metric, w]);
    let g = groups.get(key);
    if (!g) {
      g = { model, version, metric, w, uses: new Map() };
      groups.set(key, g);
    }
    return g;
  };
  for (const r of rows) {
    const sums: Sums = { n: n(r.cnt), sum: n(r.total), sumSquares: n(r.squares) };
    const code = n(r.use_code);
    for (const w of [n(r.w), null]) {
      const g = at(s(r.model_name), s(r.model_version), s(r.name), w);
      g.uses.set(code, add(g.uses.get(code) ?? { n: 0, sum: 0, sumSquares: 0 }, sums));
    }
  }
  const out: BusinessUseRow[] = [];
  for (const g of groups.values()) {
    let baseline: Sums = { n: 0, sum: 0, sumSquares: 0 };
    for (const [code, sums] of g.uses) if (BASELINE_CODES.has(code)) baseline = add(baseline, sums);
    const ordered = [...g.uses].sort(([a], [b]) => (a > 0 && b > 0 ? a - b : b - a));
    const entries: [string, Sums, boolean][] = ordered.map(([code, sums]) => [useName(code), sums, code >= 0]);
    entries.push([NO_SUGGESTION_USED, baseline, false]);
    for (const [use, sums, compared] of entries) {
      if (sums.n === 0) continue;
      const test = compared && baseline.n > 0 ? welch(sums, baseline) : null;
      out.push({
        model: g.model,
        version: g.version,
        metric: g.metric,
        windowStart: g.w === null ? null : iso(g.w),
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
    (a, b) =>
      a.model.localeCompare(b.model) ||
      a.version.localeCompare(b.version) ||
      a.metric.localeCompare(b.metric) ||
      (a.windowStart ?? "~").localeCompare(b.windowStart ?? "~"),
  );
}
