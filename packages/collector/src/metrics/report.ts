import type { Store } from "../store/types.js";
import { clickhouseDialect } from "./dialect-clickhouse.js";
import { sqliteDialect } from "./dialect-sqlite.js";
import { drift } from "./drift.js";
import { feedbackByExposureAge, feedbackByWindow } from "./feedback.js";
import { type ReportOptions, resolveReportOptions } from "./options.js";
import { business, calibration, itemAge, labelLatency, modelAgeDays, quality } from "./quality.js";
import { ageing } from "./retrain.js";
import { iso, type MetricsContext } from "./run.js";
import type { Report } from "./types.js";

/** Computes every metric in the store (SQL per dialect) and assembles the JSON report. */
export async function computeReport(store: Store, options: ReportOptions = {}): Promise<Report> {
  const o = resolveReportOptions(options);
  const readRows = store.readRows?.bind(store);
  if (!readRows) throw new Error(`The ${store.kind} store cannot run reports: it has no readRows method`);
  const d = store.kind === "sqlite" ? sqliteDialect : clickhouseDialect;
  const ctx: MetricsContext = { d, o, q: readRows, scored: d.scored(o), exposed: d.exposed(o) };
  // SQLite plans each query alone, so the two relations every metric reads are computed once into
  // connection-local TEMP tables; ClickHouse streams the subqueries fast enough as they are.
  const temps: string[] = [];
  let restore: string[] = [];
  if (d.kind === "sqlite") {
    // Sorts and TEMP tables in memory, and a larger page cache, for this report only.
    const [cache] = await readRows("PRAGMA cache_size");
    restore = ["PRAGMA temp_store = DEFAULT", `PRAGMA cache_size = ${Number(cache?.cache_size ?? -2000)}`];
    await readRows("PRAGMA temp_store = MEMORY");
    await readRows("PRAGMA cache_size = -131072");
    const id = `${process.pid}_${++reportSeq}`;
    for (const [key, sql] of [
      ["scored", ctx.scored],
      ["exposed", ctx.exposed],
    ] as const) {
      const name = `inferlog_report_${key}_${id}`;
      await readRows(`CREATE TEMP TABLE ${name} AS ${sql}`);
      temps.push(name);
      ctx[key] = `SELECT * FROM temp.${name}`;
    }
  }
  try {
    return await assemble(store, ctx);
  } finally {
    for (const name of temps) await readRows(`DROP TABLE IF EXISTS temp.${name}`).catch(() => {});
    for (const sql of restore) await readRows(sql).catch(() => {});
  }
}

let reportSeq = 0;

async function assemble(store: Store, ctx: MetricsContext): Promise<Report> {
  const o = ctx.o;
  const [q, cal, ages, fb, ea, dr, biz, items, latency] = [
    await quality(ctx),
    await calibration(ctx),
    await modelAgeDays(ctx),
    await feedbackByWindow(ctx),
    await feedbackByExposureAge(ctx),
    await drift(ctx),
    await business(ctx),
    await itemAge(ctx),
    await labelLatency(ctx),
  ];
  const { modelAge, retrain } = ageing(ages, o);
  return {
    generatedAt: new Date().toISOString(),
    store: store.kind,
    window: o.window,
    k: o.k,
    now: iso(o.nowMs),
    reference:
      o.referenceFromMs !== undefined && o.referenceToMs !== undefined
        ? { from: iso(o.referenceFromMs), to: iso(o.referenceToMs) }
        : null,
    retrainDrop: o.retrainDrop,
    quality: q,
    calibration: cal,
    modelAge,
    retrain,
    feedback: fb,
    exposureAge: ea,
    drift: dr,
    business: biz,
    itemAge: items,
    labelLatency: latency,
  };
}
