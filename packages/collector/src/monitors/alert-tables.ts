import type { Store } from "../store/types.js";
import type { AlertEvent } from "./alert-event.js";
import type { MonitorState } from "./hysteresis.js";

/**
 * The monitors' three tables in the event store, created on first use: claims (one evaluation of a
 * monitor per window across collector instances), state (hysteresis counts, so a restart resumes) and
 * alert_events (every firing and resolution). Every value is a bound parameter.
 */
export interface AlertTables {
  /** Claims `monitorIds` for the evaluation window; resolves with the ids this instance won. */
  claim(monitorIds: readonly string[], windowMs: number, instance: string, nowMs: number): Promise<Set<string>>;
  states(): Promise<MonitorState[]>;
  saveState(state: MonitorState, nowMs: number): Promise<void>;
  record(event: AlertEvent): Promise<void>;
  /** The latest events first. */
  events(limit: number): Promise<AlertEvent[]>;
}

export interface AlertTablesOptions {
  /**
   * ClickHouse: how long a claimer waits between writing its claim and reading the winner back, so
   * claims written at about the same time by other instances are seen (default 1000 ms).
   */
  claimSettleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** SQLite forgets claims of windows older than this. */
const CLAIMS_KEPT_MS = 7 * 86_400_000;

const SQLITE_DDL = [
  `CREATE TABLE IF NOT EXISTS monitor_claims (monitor_id TEXT NOT NULL, window_ms INTEGER NOT NULL,
    instance TEXT NOT NULL, claimed_ms INTEGER NOT NULL, PRIMARY KEY (monitor_id, window_ms))`,
  `CREATE TABLE IF NOT EXISTS monitor_state (monitor_id TEXT NOT NULL, scope_key TEXT NOT NULL,
    updated_ms INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (monitor_id, scope_key))`,
  `CREATE TABLE IF NOT EXISTS alert_events (id TEXT PRIMARY KEY, monitor_id TEXT NOT NULL, status TEXT NOT NULL,
    at_ms INTEGER NOT NULL, event TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS alert_events_at ON alert_events (at_ms)",
];

const CLICKHOUSE_DDL = [
  `CREATE TABLE IF NOT EXISTS monitor_claims (monitor_id String, window_ms Int64, instance String, claimed_ms Int64)
    ENGINE = ReplacingMergeTree() ORDER BY (window_ms, monitor_id, instance)`,
  `CREATE TABLE IF NOT EXISTS monitor_state (monitor_id String, scope_key String, updated_ms Int64, state String)
    ENGINE = ReplacingMergeTree(updated_ms) ORDER BY (monitor_id, scope_key)`,
  `CREATE TABLE IF NOT EXISTS alert_events (id String, monitor_id String, status String, at_ms Int64, event String)
    ENGINE = ReplacingMergeTree() ORDER BY id`,
];

const SQL = {
  sqlite: {
    claim: `INSERT OR IGNORE INTO monitor_claims (monitor_id, window_ms, instance, claimed_ms)
      VALUES (@monitor_id, @window_ms, @instance, @claimed_ms)`,
    winners: `SELECT monitor_id, instance AS winner FROM monitor_claims WHERE window_ms = @window_ms`,
    forget: "DELETE FROM monitor_claims WHERE window_ms < @before_ms",
    states: "SELECT state FROM monitor_state ORDER BY monitor_id, scope_key",
    saveState: `INSERT INTO monitor_state (monitor_id, scope_key, updated_ms, state)
      VALUES (@monitor_id, @scope_key, @updated_ms, @state)
      ON CONFLICT (monitor_id, scope_key) DO UPDATE SET updated_ms = excluded.updated_ms, state = excluded.state`,
    record: `INSERT OR IGNORE INTO alert_events (id, monitor_id, status, at_ms, event)
      VALUES (@id, @monitor_id, @status, @at_ms, @event)`,
    events: "SELECT event FROM alert_events ORDER BY at_ms DESC, id DESC LIMIT @limit",
  },
  clickhouse: {
    claim: `INSERT INTO monitor_claims SELECT monitor_id, window_ms, instance, claimed_ms FROM params`,
    // 18.16 has neither TTL nor cheap deletes: ClickHouse keeps its claims (a row per monitor, window and instance).
    forget: null,
    // The earliest claim wins (ties: the smallest instance id): every instance reads the same winner.
    winners: `SELECT monitor_id, argMin(instance, (claimed_ms, instance)) AS winner FROM monitor_claims FINAL
      WHERE window_ms = (SELECT window_ms FROM params) GROUP BY monitor_id`,
    states: "SELECT state FROM monitor_state FINAL ORDER BY monitor_id, scope_key",
    saveState: "INSERT INTO monitor_state SELECT monitor_id, scope_key, updated_ms, state FROM params",
    record: "INSERT INTO alert_events SELECT id, monitor_id, status, at_ms, event FROM params",
    // LIMIT takes no parameter on 18.16: the newest 10,000 are read and cut to the limit asked.
    events: `SELECT event FROM alert_events FINAL ORDER BY at_ms DESC, id DESC LIMIT 10000`,
  },
} as const;

/** The store's answer when a table does not exist yet (no monitor has run against it). */
const MISSING_TABLE = /no such table|doesn't exist|UNKNOWN_TABLE|Code: 60\b/i;

/**
 * Reads the monitors' tables without creating them: reports and `GET /v1/alerts` may run as a user
 * that cannot create tables, against a store no monitor has run on (then there is nothing to read).
 */
export function readAlertTables(store: Store): Pick<AlertTables, "states" | "events"> {
  const query = store.readRows?.bind(store);
  if (!query) throw new Error(`The ${store.kind} store cannot keep monitors: it has no readRows method`);
  const sql = SQL[store.kind];
  const rowsOrNone = (text: string, params?: Record<string, number>) =>
    query(text, params).catch((entry: unknown) => {
      if (entry instanceof Error && MISSING_TABLE.test(entry.message)) return [];
      throw entry;
    });
  return {
    async states() {
      return (await rowsOrNone(sql.states)).map((result) => JSON.parse(String(result.state)) as MonitorState);
    },
    async events(limit) {
      const rows =
        store.kind === "sqlite"
          ? await rowsOrNone(sql.events, { limit })
          : (await rowsOrNone(sql.events)).slice(0, limit);
      return rows.map((row) => JSON.parse(String(row.event)) as AlertEvent);
    },
  };
}

/** The monitors' tables in `store` (its `readRows`), created on first use. */
export function alertTables(store: Store, options: AlertTablesOptions = {}): AlertTables {
  const query = store.readRows?.bind(store);
  if (!query) throw new Error(`The ${store.kind} store cannot keep monitors: it has no readRows method`);
  const sql = SQL[store.kind];
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const reader = readAlertTables(store);
  const settleMs = store.kind === "clickhouse" ? (options.claimSettleMs ?? 1000) : 0;
  let ready: Promise<void> | undefined;
  const ensure = () => {
    ready ??= (async () => {
      const ddl = store.kind === "sqlite" ? SQLITE_DDL : CLICKHOUSE_DDL;
      if (store.ensureTables) return store.ensureTables(ddl);
      for (const statement of ddl) await query(statement);
    })().catch((entry) => {
      ready = undefined;
      throw entry;
    });
    return ready;
  };
  return {
    async claim(monitorIds, windowMs, instance, nowMs) {
      if (monitorIds.length === 0) return new Set();
      await ensure();
      for (const monitorId of monitorIds) {
        await query(sql.claim, { monitor_id: monitorId, window_ms: windowMs, instance, claimed_ms: nowMs });
      }
      if (settleMs > 0) await sleep(settleMs);
      const rows = await query(sql.winners, { window_ms: windowMs });
      if (sql.forget) await query(sql.forget, { before_ms: windowMs - CLAIMS_KEPT_MS });
      const won = new Set<string>();
      for (const result of rows)
        if (result.winner === instance && monitorIds.includes(String(result.monitor_id)))
          won.add(String(result.monitor_id));
      return won;
    },
    async states() {
      await ensure();
      return reader.states();
    },
    async saveState(state, nowMs) {
      await ensure();
      await query(sql.saveState, {
        monitor_id: state.monitorId,
        scope_key: state.scopeKey,
        updated_ms: nowMs,
        state: JSON.stringify(state),
      });
    },
    async record(event) {
      await ensure();
      await query(sql.record, {
        id: event.id,
        monitor_id: event.monitorId,
        status: event.status,
        at_ms: Date.parse(event.at),
        event: JSON.stringify(event),
      });
    },
    async events(limit) {
      await ensure();
      return reader.events(limit);
    },
  };
}
