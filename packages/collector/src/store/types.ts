import type { InferlogEvent } from "@inferlog/core";
import type { QueryBound } from "./bound-params.js";

/** A validated event as the collector hands it to a store. */
export interface IncomingEvent {
  event: InferlogEvent;
  /** When the collector received the batch (ms since epoch). */
  receivedMs: number;
}

export interface InsertResult {
  /** Events stored for the first time. */
  inserted: number;
  /** Events whose id was already stored (or repeated within the batch); nothing was written for them. */
  duplicates: number;
}

export interface LabelCoverage {
  /** Predictions whose `outcomeTtlSeconds` (or the store's default) has passed. */
  due: number;
  /** Of those, how many have an outcome joined by model name + prediction id. */
  labeled: number;
  /** labeled / due, or null when nothing is due yet. */
  coverage: number | null;
}

export interface JoinedPrediction {
  predictionId: string;
  modelName: string;
  modelVersion: string | null;
  label: string | null;
  /** Latest outcome (highest revision, then latest time). */
  outcomeLabel: string | null;
  outcomeRevision: number | null;
  exposures: number;
  feedback: number;
}

/**
 * What the collector needs from storage: one batch in, durably and idempotently, plus a few
 * read helpers that tests, health checks and later reports use. Each store computes in SQL.
 */
export interface Store {
  readonly kind: "sqlite" | "clickhouse";
  /** Resolves only once the batch is durable (SQLite committed, ClickHouse acknowledged). */
  insertBatch(events: readonly IncomingEvent[]): Promise<InsertResult>;
  /** Throws when the store cannot serve (used by `GET /healthz`). */
  ping(): Promise<void>;
  /** How many times each stored event id counts in queries (1 for every id when dedup holds). */
  eventIdCounts(): Promise<Map<string, number>>;
  /** The stored event as JSON (the validated copy), or undefined when the id is not stored. */
  rawEvent(id: string): Promise<string | undefined>;
  /** Rows per table, each event counted once. */
  tableCounts(): Promise<Record<StoreTable, number>>;
  labelCoverage(options: { modelName?: string; nowMs?: number }): Promise<LabelCoverage>;
  joinedPrediction(modelName: string, predictionId: string): Promise<JoinedPrediction | undefined>;
  /**
   * Runs one SELECT written for this store's dialect (`kind`) and returns its rows. The metrics in
   * `src/metrics` are SQL run here, so they are computed in the store. SQLite also takes the
   * CREATE/DROP of the report's TEMP tables (connection-local, never written to the file). SQLite binds
   * `params` by name (`@v0` in the SQL); ClickHouse takes none (its values come escaped by `sqlString`).
   */
  readRows?(sql: string, params?: Readonly<Record<string, string>>): Promise<Record<string, unknown>[]>;
  /** One statement with bound parameters, in this store's dialect (bound-params.ts): monitors and orphan counts. */
  queryBound?: QueryBound;
  /**
   * Creates tables given as this store's single-server CREATE TABLE IF NOT EXISTS statements (the
   * monitors'): a ClickHouse store on a cluster creates their replicated and Distributed forms.
   */
  ensureTables?(statements: readonly string[]): Promise<void>;
  /**
   * SQLite: the file, so a report can read part of its metrics on a second, read-only connection in a
   * worker thread (undefined for `:memory:`).
   */
  readonly file?: string;
  close(): Promise<void>;
}

export const STORE_TABLES = [
  "events",
  "predictions",
  "candidates",
  "exposures",
  "feedback",
  "outcomes",
  "features",
] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

/** Applied to predictions that do not say how long their labels may take. */
export const DEFAULT_OUTCOME_TTL_SECONDS = 7 * 24 * 3600;
