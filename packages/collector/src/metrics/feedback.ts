import type { MetricsContext } from "./run.js";
import { iso, n, rate, s } from "./run.js";
import { windowStart } from "./sql-common.js";
import type { ExposureAgeRow, FeedbackRow } from "./types.js";

const DAY_MS = 86_400_000;
export const exposureBucketDays = (window: string): number => (window === "week" ? 7 : 1);

const rates = (r: Record<string, unknown>) => {
  const exposed = n(r.exposed);
  return {
    exposed,
    acceptRate: rate(n(r.n_accepted), exposed),
    ignoreRate: rate(n(r.n_ignored), exposed),
    rejectRate: rate(n(r.n_rejected), exposed),
  };
};
const sums = "COUNT(*) AS exposed, SUM(accepted) AS n_accepted, SUM(ignored) AS n_ignored, SUM(rejected) AS n_rejected";

/**
 * Accept, ignore and reject rates of exposed predictions: an exposure counts as accepted when any
 * of its feedback is `accepted`, ignored for `ignored` or `dismissed`, rejected for `rejected`.
 */
export async function feedbackByWindow({ o, q, exposed }: MetricsContext): Promise<FeedbackRow[]> {
  const rows = await q(`SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w, ${sums}
    FROM (${exposed}) GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`);
  return rows.map((r) => ({
    model: s(r.model_name),
    version: s(r.model_version),
    windowStart: iso(n(r.w)),
    ...rates(r),
  }));
}

/**
 * The same rates by time since the subject (user) first saw this model's suggestions: the long-term
 * pullback. Buckets are a week wide for weekly reports and a day wide otherwise.
 */
export async function feedbackByExposureAge({ d, o, q, exposed }: MetricsContext): Promise<ExposureAgeRow[]> {
  const bucketDays = exposureBucketDays(o.window);
  const rows =
    await q(`SELECT model_name, ${d.floorInt(`exposure_age_ms / ${bucketDays * DAY_MS}`)} * ${bucketDays} AS age, ${sums}
    FROM (${exposed}) WHERE exposure_age_ms IS NOT NULL GROUP BY model_name, age ORDER BY model_name, age`);
  return rows.map((r) => ({
    model: s(r.model_name),
    exposureAgeDays: n(r.age),
    exposureAgeBucketDays: bucketDays,
    ...rates(r),
  }));
}
