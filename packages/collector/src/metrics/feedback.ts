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

/**
 * Both feedback sections. SQLite reads the exposed relation once and counts its rows per model, version,
 * window, exposure-age bucket and feedback flags in a hash map (`Dialect.counts`) instead of sorting it twice
 * for two GROUP BYs; the sums are integer counts, so the rows are the same. ClickHouse runs the two GROUP BYs.
 */
export async function feedbackSections(
  ctx: MetricsContext,
): Promise<{ feedback: FeedbackRow[]; exposureAge: ExposureAgeRow[] }> {
  const { d, o, q, exposed } = ctx;
  if (d.kind !== "sqlite")
    return { feedback: await feedbackByWindow(ctx), exposureAge: await feedbackByExposureAge(ctx) };
  const bucketDays = exposureBucketDays(o.window);
  const groups = ["model_name", "model_version", "w", "age", "accepted", "ignored", "rejected"];
  // Ordered by model, version, window: the window rows come out in the order of the GROUP BY they replace.
  const rows = await d.counts(
    q,
    `SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w,
      ${d.floorInt(`exposure_age_ms / ${bucketDays * DAY_MS}`)} * ${bucketDays} AS age, accepted, ignored, rejected
    FROM (${exposed})`,
    groups,
  );
  type Sums = { exposed: number; n_accepted: number; n_ignored: number; n_rejected: number };
  const add = (to: Sums, r: Record<string, unknown>) => {
    const cnt = n(r.cnt);
    to.exposed += cnt;
    to.n_accepted += cnt * n(r.accepted);
    to.n_ignored += cnt * n(r.ignored);
    to.n_rejected += cnt * n(r.rejected);
  };
  const zero = (): Sums => ({ exposed: 0, n_accepted: 0, n_ignored: 0, n_rejected: 0 });
  const windows: { model: unknown; version: unknown; w: unknown; sums: Sums }[] = [];
  const ages = new Map<unknown, Map<number, Sums>>();
  for (const r of rows) {
    let last = windows[windows.length - 1];
    if (!last || last.model !== r.model_name || last.version !== r.model_version || last.w !== r.w) {
      last = { model: r.model_name, version: r.model_version, w: r.w, sums: zero() };
      windows.push(last);
    }
    add(last.sums, r);
    if (r.age === null || r.age === undefined) continue;
    const perModel = ages.get(r.model_name) ?? new Map<number, Sums>();
    ages.set(r.model_name, perModel);
    const sums = perModel.get(n(r.age)) ?? zero();
    perModel.set(n(r.age), sums);
    add(sums, r);
  }
  return {
    feedback: windows.map((x) => ({
      model: s(x.model),
      version: s(x.version),
      windowStart: iso(n(x.w)),
      ...rates(x.sums),
    })),
    exposureAge: [...ages].flatMap(([model, perModel]) =>
      [...perModel]
        .sort(([a], [b]) => a - b)
        .map(([age, sums]) => ({
          model: s(model),
          exposureAgeDays: age,
          exposureAgeBucketDays: bucketDays,
          ...rates(sums),
        })),
    ),
  };
}
