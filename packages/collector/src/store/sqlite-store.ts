import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { sqliteParams } from "./bound-params.js";
import { createGroupCommitter, type GroupCommitOptions, groupCommitSettings, type WriteGroup } from "./group-commit.js";
import { createSerial } from "./serial.js";
import { fillDriftCounts } from "./sqlite-drift-counts.js";
import { registerSqliteFunctions } from "./sqlite-functions.js";
import { prepareGroupWriter } from "./sqlite-group-writer.js";
import { migrateToSchema9 } from "./sqlite-report-counts.js";
import { SQLITE_DDL, SQLITE_SCHEMA_VERSION } from "./sqlite-schema.js";
import { migrateToSchema8 } from "./sqlite-schema8.js";
import { addShadowColumn } from "./sqlite-shadow.js";
import { fillItemState, fillSchema3, fillSchema4, fillState } from "./sqlite-state.js";
import { startWriteWorker, type WriteWorker } from "./sqlite-write-client.js";
import { prepareRowWriter } from "./sqlite-writer.js";
import {
  DEFAULT_OUTCOME_TTL_SECONDS,
  type JoinedPrediction,
  type LabelCoverage,
  STORE_TABLES,
  type Store,
  type StoreTable,
} from "./types.js";

export interface SqliteStoreOptions {
  /** File path, or `:memory:` for tests that need no durability. */
  path: string;
  /**
   * `FULL` (default) syncs the WAL at every commit, so an acknowledged batch survives power loss;
   * `NORMAL` survives a killed process but not a power cut, and is faster.
   */
  synchronous?: "FULL" | "NORMAL";
  defaultOutcomeTtlSeconds?: number;
  /** Concurrent batches share one transaction (and one fsync); see `GroupCommitOptions`. */
  groupCommit?: GroupCommitOptions;
}

/** SQLite commits in milliseconds: a short wait already merges the batches that arrive together. */
export const SQLITE_GROUP_COMMIT = { maxDelayMs: 2, maxEvents: 5_000, writesInFlight: 1 } as const;

/** The embedded store: one file, WAL, prepared statements, one transaction per group of concurrent batches. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  try {
    prepareFile(db, options);
  } catch (error) {
    // A full disk fails here (the journal mode, the schema): let go of the file so a retry can reopen it.
    db.close();
    throw error;
  }
  return storeOn(db, options);
}

/** Settings, then the schema created or migrated to SQLITE_SCHEMA_VERSION. */
function prepareFile(db: Database.Database, { path, synchronous }: SqliteStoreOptions): void {
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous ?? "FULL"}`);
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = OFF");
  registerSqliteFunctions(db);
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new Error(
      `The SQLite file ${path} has schema version ${version}; this collector knows up to ${SQLITE_SCHEMA_VERSION}. Upgrade @inferlog/collector.`,
    );
  }
  // A file from before schema 6 gets the report state (2), the denormalized columns (3), the label
  // ranks (4) and the drift counts (5) built from the rows it holds, once (label ranks and true-label
  // counts after the outcome state they are taken from), and the shadow column (6) first: the others read it;
  // then the items' first appearances (7); the layouts of schema 8 (after the columns schema 3 added); last, the
  // report counts and the predictions' outcome copies of schema 9 (from the rows in their schema-8 layouts).
  db.transaction(() => {
    db.exec(SQLITE_DDL);
    if (version < 6) addShadowColumn(db);
    if (version < 3) fillSchema3(db);
    if (version < 2) fillState(db);
    if (version < 4) fillSchema4(db);
    if (version < 5) fillDriftCounts(db);
    if (version < 7) fillItemState(db);
    if (version < 8) migrateToSchema8(db);
    if (version < 9) migrateToSchema9(db);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  })();
}

function storeOn(db: Database.Database, options: SqliteStoreOptions): Store {
  const ttlDefault = options.defaultOutcomeTtlSeconds ?? DEFAULT_OUTCOME_TTL_SECONDS;

  // Group writes on this connection (`:memory:`, or where no worker can run) hand the event loop back
  // mid-transaction; every other statement on it waits its turn, so none runs inside a group's open transaction.
  const serial = createSerial();
  let writeHere: WriteGroup | undefined;
  const inline: WriteGroup = (events) => {
    writeHere ??= prepareGroupWriter(db, prepareRowWriter(db));
    return serial(() => (writeHere as WriteGroup)(events));
  };
  // A file is written by a worker thread on a connection of its own: statements and fsyncs off the event loop.
  // This connection reads (WAL: a read sees the last commit, never a transaction half-written).
  const worker: WriteWorker | undefined =
    options.path === ":memory:" || options.path === ""
      ? undefined
      : startWriteWorker({ path: options.path, synchronous: options.synchronous ?? "FULL" }, inline);
  const committer = createGroupCommitter(
    worker ? worker.write : inline,
    groupCommitSettings(options.groupCommit, SQLITE_GROUP_COMMIT),
  );

  const coverageSql = (withModel: boolean) =>
    db.prepare(
      `SELECT COUNT(*) AS due, COALESCE(SUM(EXISTS (
         SELECT 1 FROM outcomes o WHERE o.model_name = p.model_name AND o.prediction_id = p.prediction_id)), 0) AS labeled
       FROM (SELECT DISTINCT model_name, prediction_id, time_ms, outcome_ttl_s FROM predictions WHERE shadow = 0) p
       WHERE p.time_ms + COALESCE(p.outcome_ttl_s, @ttl) * 1000 <= @now ${withModel ? "AND p.model_name = @model" : ""}`,
    );
  const coverageAll = coverageSql(false);
  const coverageModel = coverageSql(true);
  const joinStmt = db.prepare(
    `SELECT p.prediction_id AS predictionId, p.model_name AS modelName, p.model_version AS modelVersion, p.label AS label,
       o.label AS outcomeLabel, o.revision AS outcomeRevision,
       (SELECT COUNT(*) FROM exposures e WHERE e.model_name = @model AND e.prediction_id = @pid) AS exposures,
       (SELECT COUNT(*) FROM feedback f WHERE f.model_name = @model AND f.prediction_id = @pid) AS feedback
     FROM (SELECT @model AS model_name, @pid AS prediction_id) k
     LEFT JOIN predictions p ON p.model_name = k.model_name AND p.prediction_id = k.prediction_id
     LEFT JOIN latest_outcomes o ON o.model_name = k.model_name AND o.prediction_id = k.prediction_id
     ORDER BY p.shadow LIMIT 1`,
  );

  let closed = false;
  return {
    kind: "sqlite",
    ...(options.path === ":memory:" || options.path === "" ? {} : { file: resolve(options.path) }),
    async insertBatch(batch) {
      if (closed) throw new Error("The SQLite store is closed");
      return committer.insert(batch);
    },
    async ping() {
      if (closed) throw new Error("The SQLite store is closed");
      db.prepare("SELECT 1").get();
    },
    eventIdCounts: () =>
      serial(() => {
        const rows = db.prepare("SELECT id, COUNT(*) AS n FROM events GROUP BY id").all() as {
          id: string;
          n: number;
        }[];
        return new Map(rows.map((row) => [row.id, row.n]));
      }),
    rawEvent: (id) =>
      serial(() => (db.prepare("SELECT raw FROM events WHERE id = ?").get(id) as { raw: string } | undefined)?.raw),
    tableCounts: () =>
      serial(() => {
        const out = {} as Record<StoreTable, number>;
        for (const text of STORE_TABLES)
          out[text] = (db.prepare(`SELECT COUNT(*) AS n FROM ${text}`).get() as { n: number }).n;
        return out;
      }),
    labelCoverage: ({ modelName, nowMs }) =>
      serial(() => {
        const params = { ttl: ttlDefault, now: nowMs ?? Date.now() };
        const labelCoverage = (
          modelName === undefined ? coverageAll.get(params) : coverageModel.get({ ...params, model: modelName })
        ) as LabelCoverage;
        return {
          due: labelCoverage.due,
          labeled: labelCoverage.labeled,
          coverage: labelCoverage.due === 0 ? null : labelCoverage.labeled / labelCoverage.due,
        };
      }),
    joinedPrediction: (modelName, predictionId) =>
      serial(() => {
        const row = joinStmt.get({ model: modelName, pid: predictionId }) as JoinedPrediction & {
          predictionId: string | null;
        };
        if (row.predictionId === null && row.outcomeLabel === null && row.exposures === 0 && row.feedback === 0) {
          return undefined;
        }
        return { ...row, predictionId, modelName };
      }),
    readRows: (sql, params = {}) =>
      serial(() => {
        if (closed) throw new Error("The SQLite store is closed");
        const stmt = db.prepare(sql);
        const args = Object.keys(params).length === 0 ? [] : [sqliteParams(params)];
        // Reports also create and drop their temporary tables (per connection, never in the file) here.
        if (!stmt.reader) {
          stmt.run(...args);
          return [];
        }
        return stmt.all(...args) as Record<string, unknown>[];
      }),
    async close() {
      if (closed) return;
      closed = true;
      // Batches already handed over are written (and answered) before the file closes.
      await committer.drain();
      await worker?.close();
      await serial(() => db.close());
    },
  };
}
