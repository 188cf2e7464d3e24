import type { ReadRows } from "../store/bound-params.js";
import { metricsContext } from "./context.js";
import { type DriftTask, driftRanges } from "./drift.js";
import { driftInOnePass, driftRelation, readsScored } from "./drift-one-pass.js";
import { feedbackSections } from "./feedback.js";
import { computes, type ResolvedReportOptions } from "./options.js";
import { orphans } from "./orphans.js";
import type { ShareElsewhere } from "./report-parallel.js";
import type { MetricsContext } from "./run.js";
import type { DriftRow } from "./types.js";

/**
 * The drift of `tasks` on ClickHouse, through a TEMPORARY table of drift rows in `ctx`'s session: the rows
 * `driftRelation` lists for them (in their `driftRanges`), then `driftInOnePass`. Every statement of that pass reads
 * only each task's own rows, so the tasks can be split over sessions with the same results.
 */
export async function clickhouseDrift(ctx: MetricsContext, tasks: readonly DriftTask[]): Promise<DriftRow[][]> {
  if (tasks.length === 0) return [];
  const table = "inferlog_report_drift";
  await ctx.query(`CREATE TEMPORARY TABLE ${table} (src UInt8, model_name String, feature String, time_ms Int64,
    num_value Nullable(Float64), str_value Nullable(String)) ENGINE = Memory`);
  try {
    for (const part of driftRelation(ctx, tasks, driftRanges(ctx.options, tasks))) {
      await ctx.query(`INSERT INTO ${table} ${part}`);
    }
    return await driftInOnePass(ctx, tasks, table);
  } finally {
    await ctx.query(`DROP TEMPORARY TABLE IF EXISTS ${table}`).catch(() => {});
  }
}

/** What a ClickHouse report computes on its second session while its own builds the per-prediction relation. */
export interface Aside {
  /** The drift of the tasks that read raw rows only (features, predicted labels), in their order. */
  drift: Promise<DriftRow[][]>;
  /** The feedback sections (from the exposed relation) and the orphans, for the share. */
  elsewhere: ShareElsewhere;
}

/**
 * Starts, on `second` (a session of its own), the sections of a ClickHouse report that read no relation of the
 * report's own session: the drift of `tasks` (none may read the per-prediction relation), then the feedback sections
 * over a copy of the exposed relation, then the orphans, one after another. The server's two cores then share the
 * report's work; each section is computed as it would be on the report's own session, so the numbers are the same.
 * Every promise is also caught here: the report awaits each, and a failure must not count as unhandled before then.
 */
export function startAside(second: ReadRows, options: ResolvedReportOptions, tasks: readonly DriftTask[]): Aside {
  if (tasks.some(readsScored)) throw new Error("startAside: a task that reads the per-prediction relation");
  const ctx = metricsContext("clickhouse", options, second);
  const drift = clickhouseDrift(ctx, tasks);
  const feedback = drift.then(async () => {
    if (!computes(options, "feedback")) return { feedback: [], exposureAge: [] };
    const table = "inferlog_report_exposed";
    await ctx.query(`CREATE TEMPORARY TABLE ${table} AS ${ctx.exposed}`);
    try {
      return await feedbackSections({ ...ctx, exposed: `SELECT * FROM ${table}` });
    } finally {
      await ctx.query(`DROP TEMPORARY TABLE IF EXISTS ${table}`).catch(() => {});
    }
  });
  const orphanRows = feedback.then(() => (computes(options, "orphans") ? orphans("clickhouse", second, options) : []));
  for (const promise of [drift, feedback, orphanRows]) promise.catch(() => {});
  return { drift, elsewhere: { feedback, orphans: orphanRows } };
}
