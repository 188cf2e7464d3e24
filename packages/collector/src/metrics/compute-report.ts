import { alertsView } from "../monitors/alerts-view.js";
import type { ReadRows } from "../store/bound-params.js";
import type { Store } from "../store/types.js";
import { compareVersions } from "./age-effect.js";
import { businessByUse } from "./business-by-use.js";
import { overlappingModels, pairWindows, versionWindows } from "./challenger.js";
import { clickhouseDrift, startAside } from "./clickhouse-aside.js";
import { metricsContext } from "./context.js";
import { TRUE_LABEL } from "./dialect.js";
import { type DriftTask, driftOf, driftTasks } from "./drift.js";
import { readsScored } from "./drift-one-pass.js";
import { labelFree, labelFreeOf } from "./label-free.js";
import { computes, type ReportOptions, resolveReportOptions } from "./options.js";
import { business, calibration, quality } from "./quality.js";
import { recommendRetraining } from "./recommendation.js";
import { computeShare, REPORT_PRAGMAS, type ReportShare, startShareWorker } from "./report-parallel.js";
import { ageing } from "./retrain.js";
import { iso, type MetricsContext, type Rows } from "./run.js";
import { sqliteQualityPass } from "./sqlite-quality-pass.js";
import type { BusinessRow, CalibrationRow, DriftRow, QualityRow, Report } from "./types.js";

/** Computes every metric in the store (SQL per dialect) and assembles the JSON report. */
export function computeReport(store: Store, options: ReportOptions = {}): Promise<Report> {
  return computeReportWith(store, options, { worker: true });
}

/**
 * `computeReport`, with `worker: false` to compute everything on the store's own connection. With
 * `worker: true`, a SQLite store with a file computes part of the sections (report-parallel.ts) on a
 * second connection in a worker thread meanwhile, and a ClickHouse store part of them on a second session
 * (clickhouse-aside.ts); the results are the same either way. `onShare` is told where the SQLite share ran
 * (true: in the worker).
 */
export async function computeReportWith(
  store: Store,
  options: ReportOptions,
  run: { worker: boolean; onShare?: (inWorker: boolean) => void },
): Promise<Report> {
  const resolvedReportOptions = resolveReportOptions(options);
  const readRows = store.readRows?.bind(store);
  if (!readRows) throw new Error(`The ${store.kind} store cannot run reports: it has no readRows method`);
  if (store.kind !== "sqlite") {
    // One session per report: its TEMPORARY tables are this report's alone.
    const session = store.readSession?.() ?? readRows;
    return computeClickHouseReport(
      store,
      metricsContext(store.kind, resolvedReportOptions, session),
      session,
      run.worker,
      run.onShare,
    );
  }
  const ctx: MetricsContext = metricsContext(store.kind, resolvedReportOptions, readRows);
  return oneReportAtATime(store, () => computeSqliteReport(store, ctx, readRows, run));
}

/**
 * The reports running on each SQLite connection. A report sets connection pragmas and restoring
 * `temp_store` deletes every TEMP table of the connection, so two reports at once (an HTTP report
 * while `serve` evaluates its monitors) would drop each other's tables: they take turns.
 */
const reportsOnConnection = new WeakMap<Store, Promise<unknown>>();

function oneReportAtATime<T>(store: Store, compute: () => Promise<T>): Promise<T> {
  const previous = reportsOnConnection.get(store) ?? Promise.resolve();
  const next = previous.then(compute, compute);
  reportsOnConnection.set(
    store,
    next.catch(() => {}),
  );
  return next;
}

async function computeSqliteReport(
  store: Store,
  ctx: MetricsContext,
  readRows: NonNullable<Store["readRows"]>,
  run: { worker: boolean; onShare?: (inWorker: boolean) => void },
): Promise<Report> {
  // SQLite: connection-local TEMP tables for the relations several metrics read (ClickHouse streams the
  // subqueries fast enough as they are), in memory, with a larger page cache and the file memory-mapped, for this
  // report only (REPORT_PRAGMAS; the connection gets its settings back afterwards).
  const drops: string[] = [];
  const [cache] = await readRows("PRAGMA cache_size");
  const [mmap] = await readRows("PRAGMA mmap_size");
  const restore = [
    "PRAGMA temp_store = DEFAULT",
    `PRAGMA cache_size = ${Number(cache?.cache_size ?? -2000)}`,
    `PRAGMA mmap_size = ${Number(mmap?.mmap_size ?? 0)}`,
  ];
  for (const sql of REPORT_PRAGMAS) await readRows(sql);
  try {
    return await assemble(store, ctx, readRows, run.worker ? store.file : undefined, drops, run.onShare);
  } finally {
    for (const sql of [...drops, ...restore]) await readRows(sql).catch(() => {});
  }
}

let tempSeq = 0;
/**
 * Copies the relation `key` of `ctx` into a connection-local TEMP table and points `ctx` at the copy;
 * returns the DROP that removes it. SQLite plans each query alone, so a relation that several metrics
 * read is computed once.
 */
async function materialize(ctx: MetricsContext, key: "scored" | "business"): Promise<string> {
  const name = `inferlog_report_${key}_${process.pid}_${++tempSeq}`;
  await ctx.query(`CREATE TEMP TABLE ${name} AS ${ctx[key]}`);
  ctx[key] = `SELECT * FROM temp.${name}`;
  if (key === "scored") ctx.business = ctx.dialect.businessRows(ctx.scored);
  return `DROP TABLE IF EXISTS temp.${name}`;
}

/**
 * ClickHouse: the relations several sections read, each computed once into a TEMPORARY table of the report's
 * session (in memory, gone with the session), and the drift of every feature in a few passes over one table of
 * drift rows (drift-one-pass.ts). Recomputing the per-prediction join for each section, and a few FINAL reads
 * of the features per feature, took most of a report's time.
 */
async function computeClickHouseReport(
  store: Store,
  ctx: MetricsContext,
  session: ReadRows,
  parallel: boolean,
  onShare?: (inWorker: boolean) => void,
): Promise<Report> {
  const drops: string[] = [];
  const temporary = async (key: "scored" | "exposed" | "business" | "firstSeen" | "shown") => {
    const name = `inferlog_report_${key}`;
    drops.push(`DROP TEMPORARY TABLE IF EXISTS ${name}`);
    // Business rows keep the order of the per-prediction rows they join (one stream), for their sums (`inOrder`).
    const select = key === "business" ? ctx.dialect.inOrder(ctx[key]) : ctx[key];
    await ctx.query(`CREATE TEMPORARY TABLE ${name} AS ${select}`);
    ctx[key] = `SELECT * FROM ${name}`;
  };
  const options = ctx.options;
  const tasks = computes(options, "drift") ? await driftTasks(ctx) : [];
  // What reads no relation of this session (the drift of features and predicted labels, the feedback sections, the
  // orphans) runs on a second session while this one builds the per-prediction relation and what reads it, so the
  // two share the server's cores (clickhouse-aside.ts). The true label's drift reads that relation: here.
  const second = parallel ? store.readSession?.() : undefined;
  const here = second ? tasks.filter(readsScored) : tasks;
  const aside = second
    ? startAside(
        second,
        options,
        tasks.filter((task) => !readsScored(task)),
      )
    : undefined;
  try {
    // The per-prediction relation first (its outcomes, exposures and feedback from the states kept at ingest): its
    // shown candidates and business rows are read from its copy.
    await temporary("scored");
    ctx.business = ctx.dialect.businessRows(ctx.scored);
    ctx.shown = ctx.dialect.shownCandidates(ctx.options, ctx.scored);
    // The exposed relation is read by the feedback sections alone, computed on the second session when there is one;
    // the business rows by the business sections, the first appearances and shown candidates by the item sections.
    const copies = [
      ...(aside || !computes(options, "feedback") ? [] : ["exposed" as const]),
      ...(computes(options, "business") ? ["business" as const] : []),
      ...(computes(options, "items") ? ["firstSeen" as const, "shown" as const] : []),
    ];
    for (const key of copies) await temporary(key);
    const own = {
      q: await quality(ctx),
      cal: computes(options, "calibration") ? await calibration(ctx) : [],
      biz: computes(options, "business") ? await business(ctx) : [],
    };
    const hereDrift = await clickhouseDrift(ctx, here);
    const share = await computeShare(ctx, session, [], false, aside?.elsewhere);
    const asideRows = aside ? await aside.drift : [];
    // Back in the tasks' order.
    const drift = tasks.flatMap((task) => (aside && !readsScored(task) ? asideRows.shift() : hereDrift.shift()) ?? []);
    onShare?.(false);
    return await finish(store, ctx, own, share, drift);
  } finally {
    for (const sql of drops) await ctx.query(sql).catch(() => {});
  }
}

/** The sections that read the per-prediction relation with float sums (model ages and label latency are in the share). */
interface OwnSections {
  q: QualityRow[];
  cal: CalibrationRow[];
  biz: BusinessRow[];
  /** SQLite: the label-free sums, read in the quality pass (sqlite-quality-pass.ts). */
  labelFree?: Rows;
}

async function assemble(
  store: Store,
  ctx: MetricsContext,
  readRows: ReadRows,
  file: string | undefined,
  drops: string[],
  onShare?: (inWorker: boolean) => void,
) {
  const options = ctx.options;
  const sqlite = ctx.dialect.kind === "sqlite";
  // The worker starts first: it loads and computes its sections before drift while this connection lists the tasks.
  const worker = file === undefined ? null : startShareWorker({ file, o: options });
  let tasks: DriftTask[];
  let shared: boolean[];
  let workerTasks: DriftTask[];
  let own: OwnSections;
  let ownDrift: DriftRow[][];
  try {
    tasks = computes(options, "drift") ? await driftTasks(ctx) : [];
    // The worker's share: exposures, item ages, calibration and the drift of everything but the true label (which
    // reads the per-prediction relation, as the sections left here do).
    shared = tasks.map((task) => task.feature !== TRUE_LABEL);
    workerTasks = tasks.filter((_, index) => shared[index]);
    worker?.tasks(workerTasks);
    // The business rows too (with their use: business and business by use read them), in the order of the
    // per-prediction rows they join, so their sums add in the same order as from the joins themselves.
    if (sqlite) {
      drops.push(await materialize(ctx, "scored"));
      if (computes(options, "business")) drops.push(await materialize(ctx, "business"));
    }
    const pass = sqlite ? await sqliteQualityPass(ctx) : null;
    own = {
      q: pass ? pass.quality : await quality(ctx),
      // SQLite: calibration comes with the share (report-parallel.ts).
      cal: sqlite || !computes(options, "calibration") ? [] : await calibration(ctx),
      biz: computes(options, "business") ? await business(ctx) : [],
      ...(pass ? { labelFree: pass.labelFree } : {}),
    };
    ownDrift = await driftOf(
      ctx,
      tasks.filter((_, index) => !shared[index]),
    );
  } catch (error) {
    worker?.stop();
    throw error;
  }
  let share: ReportShare | null = worker ? await worker.share : null;
  onShare?.(share !== null);
  share ??= await computeShare(ctx, readRows, workerTasks, sqlite);
  const sections = share;
  if (sections.calibration) own.cal = sections.calibration;
  const dr = tasks.flatMap((_, index) => (shared[index] ? (sections.drift.shift() ?? []) : (ownDrift.shift() ?? [])));
  return finish(store, ctx, own, sections, dr);
}

/** The report from its sections (the rest computed here). */
async function finish(
  store: Store,
  ctx: MetricsContext,
  own: OwnSections,
  share: ReportShare,
  dr: DriftRow[],
): Promise<Report> {
  const options = ctx.options;
  const { q: rows, cal, biz } = own;
  const { modelAge, retrain } = ageing(share.ages, options);
  const versionRows = share.versions;
  // Versions on the same windows: read only for models two of whose versions served in one window (the quality
  // rows say which), and the pair join only for those with two labeled in one.
  const served = rows.map((row) => ({
    model: row.model,
    version: row.version,
    window: row.windowStart,
    count: row.volume,
  }));
  const challengers = computes(options, "challengers");
  const windowsOfVersions = challengers ? await versionWindows(ctx, overlappingModels(served)) : [];
  const labeled = windowsOfVersions.map((windowsOfVersion) => ({
    ...windowsOfVersion,
    window: windowsOfVersion.windowMs,
    count: windowsOfVersion.labeled,
  }));
  const pairs = challengers ? await pairWindows(ctx, overlappingModels(labeled)) : [];
  const compared = challengers
    ? compareVersions(
        { quality: rows, windows: windowsOfVersions, pairs, versions: versionRows, retrain, modelAge },
        options,
      )
    : { sameWindow: [], ageEffect: [], confounding: [] };
  const report: Omit<Report, "recommendations"> = {
    generatedAt: new Date().toISOString(),
    store: store.kind,
    window: options.window,
    k: options.k,
    now: iso(options.nowMs),
    reference:
      options.referenceFromMs !== undefined && options.referenceToMs !== undefined
        ? { from: iso(options.referenceFromMs), to: iso(options.referenceToMs) }
        : null,
    retrainDrop: options.retrainDrop,
    ageUnit: options.ageUnit,
    ageWindow: options.ageWindow,
    sections: [...options.sections],
    alerts: await alertsView(store),
    versions: share.versions,
    quality: rows,
    orphans: share.orphans,
    calibration: cal,
    modelAge,
    retrain,
    sameWindow: compared.sameWindow,
    ageEffect: compared.ageEffect,
    confounding: compared.confounding,
    feedback: share.feedback,
    exposureAge: share.exposureAge,
    drift: dr,
    business: biz,
    businessByUse: computes(options, "business") ? await businessByUse(ctx) : [],
    itemAge: share.itemAge,
    labelFree: !computes(options, "calibration")
      ? []
      : own.labelFree
        ? labelFreeOf(own.labelFree, cal, rows, options)
        : await labelFree(ctx, cal, rows),
    maxEce: options.maxEce,
    freshness: share.freshness,
    newItems: share.newItems,
    labelLatency: share.latency,
  };
  return {
    ...report,
    recommendations: computes(options, "recommendations") ? recommendRetraining(report, options) : [],
  };
}
