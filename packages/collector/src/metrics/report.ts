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
  const ctx: MetricsContext = { d: store.kind === "sqlite" ? sqliteDialect : clickhouseDialect, o, q: readRows };
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
