/** Shared by the tests: event builders and the two real stores every suite runs against. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventType, uuidv7, validateEvent } from "@inferlog/core";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { ClickHouseClient } from "../src/store/clickhouse-http.js";
import { openClickHouseStore } from "../src/store/clickhouse-store.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import type { IncomingEvent, Store } from "../src/store/types.js";

export const CLICKHOUSE_URL = process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
export const MODEL = { name: "ticket-router", version: "v3", trainedAt: "2026-11-01T00:00:00Z" };
const T0 = Date.parse("2026-11-20T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

type Ev = Record<string, unknown> & { id: string; type: string; data: Record<string, unknown> };
const envelope = (type: string, data: Record<string, unknown>, timeMs: number, subject?: string): Ev => ({
  specversion: "1.0",
  id: uuidv7(Date.now()),
  type,
  source: "test-app",
  time: iso(timeMs),
  ...(subject ? { subject } : {}),
  data,
});

export const prediction = (opts: { predictionId?: string; timeMs?: number; ttl?: number; label?: string } = {}) => {
  const predictionId = opts.predictionId ?? uuidv7(Date.now());
  return envelope(
    "ml.prediction",
    {
      predictionId,
      model: MODEL,
      task: "ranking",
      output: {
        label: opts.label ?? "billing",
        score: 0.91,
        candidates: [
          { id: "billing", score: 0.91, rank: 1, itemAgeSeconds: 30 },
          { id: "tech", score: 0.06, rank: 2 },
          { id: "sales", score: 0.03, rank: 3 },
        ],
      },
      features: { age: 42, plan: "pro", vip: true, missing: null, tags: ["a", "b"] },
      ...(opts.ttl ? { outcomeTtlSeconds: opts.ttl } : {}),
    },
    opts.timeMs ?? T0,
    predictionId,
  );
};
const linked = (predictionId: string) => ({ predictionId, modelName: MODEL.name, predictionTime: iso(T0) });
export const outcome = (predictionId: string, label: string, revision?: number, timeMs = T0 + 60_000) =>
  envelope(
    "ml.outcome",
    {
      ...linked(predictionId),
      label,
      relevantIds: [label],
      source: "human",
      ...(revision === undefined ? {} : { revision }),
    },
    timeMs,
    predictionId,
  );
export const exposure = (predictionId: string) =>
  envelope(
    "ml.exposure",
    {
      ...linked(predictionId),
      shown: [
        { id: "tech", position: 1 },
        { id: "billing", position: 0 },
      ],
      surface: "inbox",
    },
    T0 + 1000,
    predictionId,
  );
export const feedback = (predictionId: string, action = "accepted") =>
  envelope(
    "ml.feedback",
    { ...linked(predictionId), action, kind: "explicit", candidateId: "billing", position: 0 },
    T0 + 2000,
    predictionId,
  );
export const features = () => envelope("ml.features", { model: MODEL, features: { x: 1.5, y: "blue" } }, T0);

export const T0_MS = T0;

export interface StoreFixture {
  kind: "sqlite" | "clickhouse";
  /** A fresh, empty store spec (`sqlite:<file>` / `clickhouse://.../<unique db>`) and an opener for it. */
  spec: string;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

let seq = 0;
/** A fresh SQLite file in a temp dir, or a fresh ClickHouse database named for this run. */
export function storeFixture(kind: "sqlite" | "clickhouse"): StoreFixture {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "inferlog-collector-"));
    const path = join(dir, "inferlog.db");
    return {
      kind,
      spec: `sqlite:${path}`,
      open: async () => openSqliteStore({ path }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const database = `inferlog_test_${process.pid}_${Date.now()}_${seq++}`;
  const url = new URL(CLICKHOUSE_URL);
  return {
    kind,
    spec: `clickhouse://${url.host}/${database}`,
    open: () => openClickHouseStore({ url: CLICKHOUSE_URL, database }),
    cleanup: async () => {
      await new ClickHouseClient({ url: CLICKHOUSE_URL, database }).exec(`DROP DATABASE IF EXISTS ${database}`, {
        database: false,
      });
    },
  };
}

/** The database a ClickHouse fixture made (the last part of its spec). */
export function databaseOf(fx: StoreFixture): string {
  if (fx.kind !== "clickhouse") throw new Error(`databaseOf: a ${fx.kind} fixture has no ClickHouse database`);
  return fx.spec.split("/").pop() as string;
}

/** A raw client on a ClickHouse fixture's database, for what a test reads or writes beside the store. */
export const clickhouseClientOf = (fx: StoreFixture): ClickHouseClient =>
  new ClickHouseClient({ url: CLICKHOUSE_URL, database: databaseOf(fx) });

/** What `useStore` opens: the fixture and the store on it. */
export interface OpenStore {
  fx: StoreFixture;
  store: Store;
}

/** What `useClickHouseStore` opens: `OpenStore` and a raw client on the store's database. */
export interface OpenClickHouseStore extends OpenStore {
  ch: ClickHouseClient;
}

/**
 * A store of `kind` on a fresh file or database for the enclosing `describe`: opened before its tests (`"all"`:
 * once, `"each"`: before every test), handed to `opened`, then closed and removed after them. Hooks the caller
 * registers after this call run after the store is open (to fill it) and before it is closed.
 */
export function useStore(kind: StoreFixture["kind"], scope: "all" | "each", opened: (open: OpenStore) => void): void {
  let current: OpenStore | undefined;
  (scope === "all" ? beforeAll : beforeEach)(async () => {
    const fx = storeFixture(kind);
    current = { fx, store: await fx.open() };
    opened(current);
  });
  (scope === "all" ? afterAll : afterEach)(async () => {
    await current?.store.close();
    await current?.fx.cleanup();
  });
}

/** `useStore` on ClickHouse, with a client of the store's database. */
export function useClickHouseStore(scope: "all" | "each", opened: (open: OpenClickHouseStore) => void): void {
  useStore("clickhouse", scope, (open) => opened({ ...open, ch: clickhouseClientOf(open.fx) }));
}

/** The names of the tables and views in a ClickHouse client's database. */
export const tableNames = async (ch: ClickHouseClient): Promise<string[]> =>
  (await ch.rows<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase()")).map(
    (row) => row.name,
  );

export const STORE_KINDS = ["sqlite", "clickhouse"] as const;

/**
 * Validated events for a contract test, received at their own time: ids `${idPrefix}-0`, `${idPrefix}-1`, ...
 * An event the contract refuses throws, naming the fault.
 */
export function eventMaker(idPrefix: string, source: string) {
  let seq = 0;
  return (type: EventType, timeMs: number, data: Record<string, unknown>): IncomingEvent =>
    validEvent(source, type, timeMs, `${idPrefix}-${seq++}`, data);
}

/** One event of `type` with the given id, validated as the collector validates it, received at `timeMs`. */
export function validEvent(
  source: string,
  type: EventType,
  timeMs: number,
  id: string,
  data: Record<string, unknown>,
): IncomingEvent {
  const result = validateEvent(type, {
    specversion: "1.0",
    id,
    type,
    source,
    time: new Date(timeMs).toISOString(),
    data,
  });
  if (!result.ok) throw new Error(`test event invalid: ${JSON.stringify(result.error)}`);
  return { event: result.event, receivedMs: timeMs };
}
