import type { MetricsContext } from "./run.js";
import { asNumber, asText, iso, rate } from "./run.js";
import { windowStart } from "./sql-common.js";
import type { ExposureAgeRow, FeedbackRow } from "./types.js";

const DAY_MS = 86_400_000;
export const exposureBucketDays = (window: string): number => (window === "week" ? 7 : 1);

const rates = (result: Record<string, unknown>) => {
  const exposed = asNumber(result.exposed);
  return {
    exposed,
    acceptRate: rate(asNumber(result.n_accepted), exposed),
    ignoreRate: rate(asNumber(result.n_ignored), exposed),
    rejectRate: rate(asNumber(result.n_rejected), exposed),
  };
};
const sums = "COUNT(*) AS exposed, SUM(accepted) AS n_accepted, SUM(ignored) AS n_ignored, SUM(rejected) AS n_rejected";

/**
 * Accept, ignore and reject rates of exposed predictions: an exposure counts as accepted when any
 * of its feedback is `accepted`, ignored for `ignored` or `dismissed`, rejected for `rejected`.
 */
export async function feedbackByWindow({ options, query, exposed }: MetricsContext): Promise<FeedbackRow[]> {
  const rows = await query(`SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w, ${sums}
    FROM (${exposed}) GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`);
  return rows.map((row) => ({
    model: asText(row.model_name),
    version: asText(row.model_version),
    windowStart: iso(asNumber(row.w)),
    ...rates(row),
  }));
}

/**
 * The same rates by time since the subject (user) first saw this model's suggestions: the long-term
 * pullback. Buckets are a week wide for weekly reports and a day wide otherwise.
 */
export async function feedbackByExposureAge({
  dialect,
  options,
  query,
  exposed,
}: MetricsContext): Promise<ExposureAgeRow[]> {
  const bucketDays = exposureBucketDays(options.window);
  const rows =
    await query(`SELECT model_name, ${dialect.floorInt(`exposure_age_ms / ${bucketDays * DAY_MS}`)} * ${bucketDays} AS age, ${sums}
    FROM (${exposed}) WHERE exposure_age_ms IS NOT NULL GROUP BY model_name, age ORDER BY model_name, age`);
  return rows.map((row) => ({
    model: asText(row.model_name),
    exposureAgeDays: asNumber(row.age),
    exposureAgeBucketDays: bucketDays,
    ...rates(row),
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
  const { dialect, options, query, exposed } = ctx;
  if (dialect.kind !== "sqlite")
    return { feedback: await feedbackByWindow(ctx), exposureAge: await feedbackByExposureAge(ctx) };
  const bucketDays = exposureBucketDays(options.window);
  const groups = ["model_name", "model_version", "w", "age", "accepted", "ignored", "rejected"];
  // Ordered by model, version, window: the window rows come out in the order of the GROUP BY they replace.
  const rows = await dialect.counts(
    query,
    `SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w,
      ${dialect.floorInt(`exposure_age_ms / ${bucketDays * DAY_MS}`)} * ${bucketDays} AS age, accepted, ignored, rejected
    FROM (${exposed})`,
    groups,
  );
  type Sums = { exposed: number; n_accepted: number; n_ignored: number; n_rejected: number };
  const add = (to: Sums, result: Record<string, unknown>) => {
    const cnt = asNumber(result.cnt);
    to.exposed += cnt;
    to.n_accepted += cnt * asNumber(result.accepted);
    to.n_ignored += cnt * asNumber(result.ignored);
    to.n_rejected += cnt * asNumber(result.rejected);
  };
  const zero = (): Sums => ({ exposed: 0, n_accepted: 0, n_ignored: 0, n_rejected: 0 });
  const windows: { model: unknown; version: unknown; w: unknown; sums: Sums }[] = [];
  const ages = new Map<unknown, Map<number, Sums>>();
  for (const result of rows) {
    let last = windows[windows.length - 1];
    if (!last || last.model !== result.model_name || last.version !== result.model_version || last.w !== result.w) {
      last = { model: result.model_name, version: result.model_version, w: result.w, sums: zero() };
      windows.push(last);
    }
    add(last.sums, result);
    if (result.age === null || result.age === undefined) continue;
    const perModel = ages.get(result.model_name) ?? new Map<number, Sums>();
    ages.set(result.model_name, perModel);
    const sums = perModel.get(asNumber(result.age)) ?? zero();
    perModel.set(asNumber(result.age), sums);
    add(sums, result);
  }
  return {
    feedback: windows.map((window) => ({
      model: asText(window.model),
      version: asText(window.version),
      windowStart: iso(asNumber(window.w)),
      ...rates(window.sums),
    })),
    exposureAge: [...ages].flatMap(([model, perModel]) =>
      [...perModel]
        .sort(([left], [bytes]) => left - bytes)
        .map(([age, sums]) => ({
          model: asText(model),
          exposureAgeDays: age,
          exposureAgeBucketDays: bucketDays,
          ...rates(sums),
        })),
    ),
  };
}
