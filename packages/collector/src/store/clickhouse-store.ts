import { randomUUID } from "node:crypto";
import { addMissingColumns } from "./clickhouse-added-columns.js";
import { backfillPredictionCandidates } from "./clickhouse-backfill.js";
import { detectCluster, ensureClusterTables } from "./clickhouse-cluster.js";
import { clusterName, isCreateDatabase } from "./clickhouse-cluster-ddl.js";
import { existingIds } from "./clickhouse-existing-ids.js";
import { backfillFeatureNames, featureNamesBackfillPending } from "./clickhouse-feature-names.js";
import { backfillFollowups, followupsBackfillPending } from "./clickhouse-followups-backfill.js";
import { ClickHouseClient, type ClickHouseConnection, sqlString } from "./clickhouse-http.js";
import { clickhouseDdl } from "./clickhouse-schema.js";
import { clickhouseTableBodies, insertTableBody, readTableFormats, type TableBody } from "./clickhouse-table-binary.js";
import { createGroupCommitter, type GroupCommitOptions, groupCommitSettings } from "./group-commit.js";
import {
  DEFAULT_OUTCOME_TTL_SECONDS,
  type IncomingEvent,
  type JoinedPrediction,
  STORE_TABLES,
  type Store,
  type StoreTable,
} from "./types.js";

export interface ClickHouseStoreOptions extends ClickHouseConnection {
  defaultOutcomeTtlSeconds?: number;
  /** Concurrent batches share one insert per table (one part each); see `GroupCommitOptions`. */
  groupCommit?: GroupCommitOptions;
  /**
   * A cluster from the server's remote_servers (one shard, any number of replicas): the tables are
   * created ON CLUSTER as ReplicatedReplacingMergeTree, each with a Distributed `t_distributed` beside
   * it (clickhouse-cluster.ts), and a database written by a single server moves to them. Without it, a
   * database already laid out for a cluster is used as it is.
   */
  cluster?: string;
}

/**
 * Every insert makes a part per table that ClickHouse must write and merge later, and its CPU per event falls
 * steeply with the group (clickhouse-merge-cpu.ts in the bench): the batches of other requests are waited
 * for. One group is written at a time, and after each write the next waits up to `regroupMs` for the clients
 * that write answered, so the group holds (nearly) every batch in flight; two groups in flight split the
 * clients into halves taking turns, with twice the inserts.
 */
export const CLICKHOUSE_GROUP_COMMIT = { maxDelayMs: 20, maxEvents: 20_000, writesInFlight: 1, regroupMs: 30 } as const;

/**
 * A ClickHouse that answered any request this recently (an insert, a lookup, a ping) and failed no
 * write since is up: `/healthz` answers at once
 * instead of waiting its turn behind large inserts (a busy server takes a few hundred ms to answer
 * even `SELECT 1`). A server gone is seen at most this late.
 */
export const CLICKHOUSE_ANSWER_FRESH_MS = 1_000;

/**
 * The scale store. The collector keeps no state of its own, so any number of them can write to
 * one ClickHouse, or to the replicas of a one-shard cluster (`cluster`), at once.
 */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<Store> {
  const ch = new ClickHouseClient(options);
  const cluster = options.cluster === undefined ? await detectCluster(ch) : clusterName(options.cluster);
  const db = ch.database;
  async function ensureTables(statements: readonly string[]): Promise<void> {
    if (cluster !== undefined) return ensureClusterTables(ch, cluster, statements);
    // The database is named in the URL of every statement but the one creating it.
    for (const stmt of statements) await ch.exec(stmt, { database: !isCreateDatabase(stmt) });
  }
  const followupsPending = await followupsBackfillPending(ch, cluster);
  const featureNamesPending = await featureNamesBackfillPending(ch, cluster);
  await ensureTables(clickhouseDdl(db));
  await addMissingColumns(ch, cluster);
  await backfillPredictionCandidates(ch);
  if (followupsPending) await backfillFollowups(ch);
  if (featureNamesPending) await backfillFeatureNames(ch);
  // After the columns are complete: each table's RowBinary layout is read from system.columns.
  const formats = await readTableFormats(ch);
  const ttlDefault = options.defaultOutcomeTtlSeconds ?? DEFAULT_OUTCOME_TTL_SECONDS;
  const key = (model: string, pid: string) => `model_name = ${sqlString(model)} AND prediction_id = ${sqlString(pid)}`;
  let closed = false;
  /** Answers before this time (ms) do not count as signs of life: a write failed then. */
  let failedAt = Number.NEGATIVE_INFINITY;
  const open = () => {
    if (closed) throw new Error("The ClickHouse store is closed");
  };

  async function writeGroup(batch: readonly IncomingEvent[]): Promise<boolean[]> {
    // Which ids are new: the first occurrence in the group, unless already stored.
    const fresh = new Array<boolean>(batch.length);
    const ids = new Set<string>();
    for (let index = 0; index < batch.length; index++) {
      const id = (batch[index] as IncomingEvent).event.id;
      fresh[index] = !ids.has(id);
      ids.add(id);
    }
    // The rows are serialized while ClickHouse looks the ids up (one round trip less per group); in
    // the rare group that holds stored events (a retry), they are serialized again without them.
    let [bodies, seen] = await Promise.all([
      clickhouseTableBodies(batch, fresh, formats),
      existingIds(ch, batch, fresh),
    ]);
    if (seen.size > 0) {
      for (let index = 0; index < batch.length; index++)
        if (fresh[index] && seen.has((batch[index] as IncomingEvent).event.id)) fresh[index] = false;
      bodies = await clickhouseTableBodies(batch, fresh, formats);
    }
    // Derived rows first, the events row last: an event row means "all of it is in", so a group
    // that failed half-way is written again in full on retry (its repeated rows collapse on merge).
    const insert = (body: TableBody) => insertTableBody(ch, body);
    await Promise.all(bodies.filter((body) => body.table !== "events").map(insert));
    for (const body of bodies) if (body.table === "events") await insert(body);
    return fresh;
  }
  // A failed write makes the next ping ask ClickHouse again.
  const writeOrForget = (batch: readonly IncomingEvent[]) =>
    writeGroup(batch).catch((error: unknown) => {
      failedAt = Date.now();
      throw error;
    });
  const committer = createGroupCommitter(
    writeOrForget,
    groupCommitSettings(options.groupCommit, CLICKHOUSE_GROUP_COMMIT),
  );

  return {
    kind: "clickhouse",
    insertBatch(batch) {
      open();
      return committer.insert(batch);
    },
    async ping() {
      open();
      const answered = ch.lastAnsweredMs;
      if (answered > failedAt && Date.now() - answered < CLICKHOUSE_ANSWER_FRESH_MS) return;
      await ch.exec("SELECT 1");
    },
    async eventIdCounts() {
      const rows = await ch.rows<{ id: string; n: number }>("SELECT id, count() AS n FROM events FINAL GROUP BY id");
      return new Map(rows.map((row) => [row.id, row.n]));
    },
    async rawEvent(id) {
      // PREWHERE: the id column first, then `raw` only in the granules that hold the id (WHERE read `raw` in every
      // granule the sorting key could not rule out, in every part: 0.8-0.97 s against 0.06 s at 2M events in 21
      // unmerged parts, 0.21-0.24 s against 0.05 s at 10M in 3 merged ones). The id is the sorting key, so FINAL over
      // the rows it keeps is FINAL over the table, then filtered.
      const [row] = await ch.rows<{ raw: string }>(
        `SELECT raw FROM events FINAL PREWHERE id = ${sqlString(id)} LIMIT 1`,
      );
      return row?.raw;
    },
    async tableCounts() {
      const out = {} as Record<StoreTable, number>;
      for (const text of STORE_TABLES) {
        const [row] = await ch.rows<{ n: number }>(`SELECT count() AS n FROM ${text} FINAL`);
        out[text] = row?.n ?? 0;
      }
      return out;
    },
    async labelCoverage({ modelName, nowMs }) {
      const now = Math.trunc(nowMs ?? Date.now());
      // Requests, counted once: by their shown prediction (a challenger's shares its id).
      const filter = `WHERE shadow = 0${modelName === undefined ? "" : ` AND model_name = ${sqlString(modelName)}`}`;
      const [row] = await ch.rows<{ due: number; labeled: number }>(
        `SELECT count() AS due, sum(has_outcome) AS labeled FROM (
           SELECT model_name, prediction_id, min(time_ms) AS t, any(outcome_ttl_s) AS ttl
           FROM predictions FINAL ${filter} GROUP BY model_name, prediction_id
         ) ANY LEFT JOIN (
           SELECT model_name, prediction_id, toUInt8(1) AS has_outcome FROM outcomes FINAL GROUP BY model_name, prediction_id
         ) USING (model_name, prediction_id)
         WHERE t + ifNull(ttl, ${ttlDefault}) * 1000 <= ${now}`,
      );
      const due = row?.due ?? 0;
      const labeled = row?.labeled ?? 0;
      return { due, labeled, coverage: due === 0 ? null : labeled / due };
    },
    async joinedPrediction(modelName, predictionId): Promise<JoinedPrediction | undefined> {
      const where = key(modelName, predictionId);
      const [part] = await ch.rows<{ model_version: string; label: string | null }>(
        `SELECT model_version, label FROM predictions FINAL WHERE ${where} ORDER BY shadow, time_ms LIMIT 1`,
      );
      const [entry] = await ch.rows<{ label: string | null; revision: number }>(
        `SELECT label, revision FROM outcomes FINAL WHERE ${where} ORDER BY revision DESC, time_ms DESC, event_id DESC LIMIT 1`,
      );
      const [config] = await ch.rows<{ exposures: number; feedback: number }>(
        `SELECT (SELECT count() FROM exposures FINAL WHERE ${where}) AS exposures,
                (SELECT count() FROM feedback FINAL WHERE ${where}) AS feedback`,
      );
      const exposures = config?.exposures ?? 0;
      const feedback = config?.feedback ?? 0;
      if (!part && !entry && exposures === 0 && feedback === 0) return undefined;
      return {
        predictionId,
        modelName,
        modelVersion: part?.model_version ?? null,
        label: part?.label ?? null,
        outcomeLabel: entry?.label ?? null,
        outcomeRevision: entry?.revision ?? null,
        exposures,
        feedback,
      };
    },
    async readRows(sql, params) {
      open();
      return ch.read(sql, params);
    },
    readSession() {
      const session = { session_id: `inferlog-report-${randomUUID()}` };
      // 18.16 reads the tables of a CREATE TEMPORARY TABLE ... AS SELECT from the session's database, not the
      // request's: the session is pointed at the store's database first.
      let used: Promise<unknown> | undefined;
      return async (sql, params) => {
        open();
        used ??= ch.read(`USE ${db}`, {}, session);
        await used;
        return ch.read(sql, params, session);
      };
    },
    async ensureTables(statements) {
      open();
      await ensureTables(statements);
    },
    async close() {
      closed = true;
      await committer.drain();
    },
  };
}
