import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { type BoundParams, type ReadRows, sqliteParams } from "../store/bound-params.js";
import { registerSqliteFunctions } from "../store/sqlite-functions.js";
import { workerEntry } from "../worker-entry.js";
import { metricsContext } from "./context.js";
import { sqliteShareRelation } from "./dialect-sqlite.js";
import { type DriftTask, driftOf } from "./drift.js";
import { feedbackSections } from "./feedback.js";
import { freshness, newItems } from "./freshness.js";
import { computes, type ResolvedReportOptions } from "./options.js";
import { orphans } from "./orphans.js";
import { calibration, itemAge, labelLatency, modelAges } from "./quality.js";
import type { AgeBucket } from "./retrain.js";
import type { MetricsContext, Rows } from "./run.js";
import { withVersionCodes } from "./sqlite-version-codes.js";
import type {
  CalibrationRow,
  DriftRow,
  ExposureAgeRow,
  FeedbackRow,
  FreshnessRow,
  ItemAgeRow,
  LabelLatencyRow,
  NewItemsRow,
  OrphanRow,
  VersionRow,
} from "./types.js";
import { versions } from "./versions.js";

/**
 * The sections of a SQLite report that a second connection computes in a worker thread while the
 * report's own connection computes the rest: they read no relation in common (exposures, candidates,
 * features, the report counts here; the per-prediction relation's copy with the quality and business float sums
 * there), so on two cores the report takes about half the time. Calibration, model ages and label latency read the
 * per-prediction rows here without a copy (`sqliteShareRelation`: the same rows in the same order, without the
 * ranking columns; since schema 9 it joins nothing). Same SQL over the same rows in the same order, so the same
 * results as on one connection.
 */
/** Sections of the share computed on another session meanwhile (a ClickHouse report's second session). */
export interface ShareElsewhere {
  feedback: Promise<Pick<ReportShare, "feedback" | "exposureAge">>;
  orphans: Promise<OrphanRow[]>;
}

export interface ReportShare {
  feedback: FeedbackRow[];
  exposureAge: ExposureAgeRow[];
  itemAge: ItemAgeRow[];
  /** Drift rows per task, in the order of the tasks. */
  drift: DriftRow[][];
  versions: VersionRow[];
  freshness: FreshnessRow[];
  newItems: NewItemsRow[];
  orphans: OrphanRow[];
  /** Labeled and correct predictions per model age (integer sums: the same from any connection's rows). */
  ages: AgeBucket[];
  /** Label latency percentiles (of sorted values: the same in any row order). */
  latency: LabelLatencyRow[];
  /**
   * SQLite: calibration (its float sums over the per-prediction rows, read in the order of the report's own copy of
   * them); absent when the report's own connection computes it (ClickHouse).
   */
  calibration?: CalibrationRow[];
}

/** What a share worker starts with (its drift tasks follow in a message: `ShareWorker.tasks`). */
export interface ShareRequest {
  file: string;
  o: ResolvedReportOptions;
}

/** Drift tasks now, or once the report's own connection has listed them. */
type Tasks = readonly DriftTask[] | Promise<readonly DriftTask[]>;

/**
 * The share's sections on `ctx` (each reads the exposed relation once at most: no copy of it is needed), and
 * `readRows` for the orphan counts (their values bound as parameters). The drift `tasks` are awaited only when
 * the sections before drift are done.
 */
export async function computeShare(
  ctx: MetricsContext,
  readRows: ReadRows,
  tasks: Tasks,
  withCalibration = false,
  elsewhere?: ShareElsewhere,
): Promise<ReportShare> {
  const versionRows = await versions(ctx);
  // SQLite: the hash-grouping aggregates take the versions listed as small integers (sqlite-version-codes.ts).
  const coded: MetricsContext =
    ctx.dialect.kind === "sqlite" ? { ...ctx, dialect: withVersionCodes(ctx.dialect, versionRows) } : ctx;
  const { feedback, exposureAge } = await (elsewhere?.feedback ??
    (computes(ctx.options, "feedback") ? feedbackSections(coded) : { feedback: [], exposureAge: [] }));
  const items = computes(ctx.options, "items");
  return {
    ...(withCalibration ? { calibration: computes(ctx.options, "calibration") ? await calibration(ctx) : [] } : {}),
    feedback,
    exposureAge,
    itemAge: items ? await itemAge(coded) : [],
    drift: await driftOf(ctx, await tasks),
    versions: versionRows,
    freshness: items ? await freshness(ctx, versionRows) : [],
    newItems: items ? await newItems(ctx) : [],
    orphans: await (elsewhere?.orphans ??
      (computes(ctx.options, "orphans") ? orphans(ctx.dialect.kind, readRows, ctx.options) : [])),
    ages: await modelAges(ctx),
    latency: await labelLatency(coded),
  };
}

/**
 * Settings of a report's SQLite connection: sorts and TEMP tables in memory, a larger page cache, and the file
 * read through a memory map (up to the build's limit, 2 GB for better-sqlite3) rather than a read() and a copy per
 * page: on the 1M-event file that took about 0.5 s CPU off a report on two connections, whose second one
 * starts with an empty page cache.
 */
export const REPORT_PRAGMAS = [
  "PRAGMA temp_store = MEMORY",
  "PRAGMA cache_size = -131072",
  "PRAGMA mmap_size = 2147483648",
];

/** Computes the share on a read-only connection of its own to `file` (what the worker thread runs). */
export async function computeShareOnFile({ file, o: options }: ShareRequest, tasks: Tasks): Promise<ReportShare> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    registerSqliteFunctions(db);
    for (const sql of REPORT_PRAGMAS) db.exec(sql);
    const readRows = async (sql: string, params: BoundParams = {}): Promise<Rows> => {
      const stmt = db.prepare(sql);
      const args = Object.keys(params).length === 0 ? [] : [sqliteParams(params)];
      if (!stmt.reader) {
        stmt.run(...args);
        return [];
      }
      return stmt.all(...args) as Rows;
    };
    const ctx: MetricsContext = metricsContext("sqlite", options, readRows);
    // One read transaction: the share's queries all see the same snapshot of the file.
    db.exec("BEGIN");
    // Calibration, model ages and label latency, the share's only readers of the per-prediction relation, read a
    // copy of the columns they need (no ranking columns), made once in this connection's TEMP space (in memory; gone
    // with the connection): its rows in the order of the scan of predictions, as the report's own copy has them.
    await ctx.query(`CREATE TEMP TABLE inferlog_share_scored AS ${sqliteShareRelation(options, ctx.dialect.text)}`);
    ctx.scored = "SELECT * FROM temp.inferlog_share_scored";
    return await computeShare(ctx, readRows, tasks, true);
  } finally {
    db.close();
  }
}

export interface ShareWorker {
  /** Null when the worker could not start or load (the caller then computes the share on its own connection). */
  share: Promise<ReportShare | null>;
  /** Hands the worker its drift tasks, which it awaits after its other sections. */
  tasks(tasks: readonly DriftTask[]): void;
  /** Ends the worker early (the report failed on its own connection). */
  stop(): void;
}

/**
 * Runs `computeShareOnFile` in a worker thread, started before the report lists its drift tasks (loading the
 * worker and its first sections overlap that listing); `share` rejects when the share itself failed.
 */
export function startShareWorker(request: ShareRequest): ShareWorker {
  let stop = () => {};
  let send = (_tasks: readonly DriftTask[]) => {};
  const share = runShareWorker(request, (stopWorker, sendTasks) => {
    stop = stopWorker;
    send = sendTasks;
  });
  // Should the caller stop waiting for it (its own part failed), the outcome must not become an unhandled rejection.
  share.catch(() => {});
  return { share, tasks: (tasks) => send(tasks), stop: () => stop() };
}

function runShareWorker(
  request: ShareRequest,
  onStart: (stop: () => void, sendTasks: (tasks: readonly DriftTask[]) => void) => void,
): Promise<ReportShare | null> {
  const entry = workerEntry("report-worker", "metrics");
  return new Promise((resolve, reject) => {
    let settled = false;
    let worker: Worker;
    try {
      worker = new Worker(entry.file, { workerData: request, execArgv: entry.execArgv });
    } catch {
      resolve(null);
      return;
    }
    onStart(
      () => {
        settled = true;
        resolve(null);
        void worker.terminate();
      },
      (tasks) => worker.postMessage({ tasks }),
    );
    let started = false;
    worker.on("message", (match: { started?: true; share?: ReportShare; error?: string }) => {
      if (match.started) {
        started = true;
        return;
      }
      settled = true;
      if (match.share) resolve(match.share);
      else reject(new Error(`The report worker failed: ${match.error}`));
      void worker.terminate();
    });
    worker.on("error", (error) => {
      if (settled) return;
      settled = true;
      if (started) reject(error);
      else resolve(null);
    });
    worker.on("exit", (code) => {
      if (settled) return;
      settled = true;
      if (started) reject(new Error(`The report worker exited (code ${code}) before it answered`));
      else resolve(null);
    });
  });
}
