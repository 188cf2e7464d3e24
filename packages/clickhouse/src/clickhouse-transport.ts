import {
  clickhouseAddedColumns,
  clickhouseDdl,
  clickhouseTableRows,
  isColumnAlreadyThere,
  type TableInsert,
  toRows,
} from "@inferlog/collector/rows";
import {
  ConfigError,
  type FetchLike,
  type InferlogEvent,
  intOption,
  checkOption as need,
  resultFromResponse,
  showValue,
  type Transport,
  TransportError,
  type TransportResult,
} from "@inferlog/core";

export interface ClickHouseTransportOptions {
  /** ClickHouse's HTTP interface, for example `http://127.0.0.1:8123`. */
  url: string;
  /** Database holding the collector's tables (created when missing unless `createTables` is false). */
  database: string;
  user?: string;
  password?: string;
  /**
   * Run the collector's `CREATE ... IF NOT EXISTS` statements, and the ALTERs that add newer columns to older
   * tables, before the first insert (default true). With false, tables must have every column (docs/integrations.md).
   */
  createTables?: boolean;
  /** Abort one statement after this long (default 10 s); the batch is then retried. */
  timeoutMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Receive time stamped on rows (`received_ms`); injectable for tests. */
  now?: () => number;
}

const CLOUDEVENTS_BATCH = "application/cloudevents-batch+json";

function check(options: ClickHouseTransportOptions): void {
  if (options === null || typeof options !== "object") {
    throw new ConfigError(`Expected options to be an object, got \`${showValue(options)}\``);
  }
  need(
    typeof options.url === "string" && /^https?:\/\//.test(options.url),
    "url",
    "ClickHouse's http(s) URL",
    options.url,
  );
  need(
    typeof options.database === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.database),
    "database",
    "a name matching [A-Za-z_][A-Za-z0-9_]* (at most 63 characters)",
    options.database,
  );
  if (options.timeoutMs !== undefined) intOption("timeoutMs", options.timeoutMs, undefined, 1);
}

/**
 * A transport that writes batches straight into ClickHouse, into the same tables (and rows) the
 * collector writes, through ClickHouse's HTTP interface: one `INSERT ... FORMAT JSONEachRow` per
 * table. Use it with the default CloudEvents encoder. Runtime-free: it needs only `fetch`.
 *
 * Delivery is at least once: a retried batch writes its rows again, and the tables'
 * ReplacingMergeTree engine (keyed by event id) folds the copies, as readers use FINAL.
 */
export function createClickHouseTransport(options: ClickHouseTransportOptions): Transport {
  check(options);
  const found = options.fetch ?? (globalThis as unknown as { fetch?: FetchLike }).fetch;
  if (typeof found !== "function") throw new ConfigError("No global fetch in this runtime; pass `fetch`");
  const doFetch: FetchLike = found;
  const base = options.url.replace(/\/+$/, "");
  const db = options.database;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  let tablesReady: Promise<TransportResult | undefined> | undefined;

  /** One statement; undefined when ClickHouse answered 200, else what the client should do. */
  async function run(sql: string, body?: string): Promise<TransportResult | undefined> {
    const params = new URLSearchParams();
    if (options.user) params.set("user", options.user);
    if (options.password) params.set("password", options.password);
    if (body !== undefined) params.set("query", sql);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await doFetch(`${base}/?${params}`, {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: body ?? sql,
        signal: controller.signal,
      });
      const text = await res.text();
      if (res.status === 200) return undefined;
      // ClickHouse answers most errors (unknown table, bad row) with 500; those are not transient.
      return resultFromResponse(res.status, res.headers.get("retry-after"), text.trim(), now());
    } catch (error) {
      const reason = controller.signal.aborted
        ? `ClickHouse did not answer within ${timeoutMs} ms`
        : `ClickHouse is unreachable: ${error instanceof Error ? error.message : String(error)}`;
      return { kind: "retry", reason };
    } finally {
      clearTimeout(timer);
    }
  }

  async function createTables(): Promise<TransportResult | undefined> {
    for (const stmt of clickhouseDdl(db)) {
      const result = await run(stmt);
      if (result) return result;
    }
    for (const column of clickhouseAddedColumns(db)) {
      const r = await run(column.alter);
      if (r && !(r.kind === "fatal" && isColumnAlreadyThere(r.error.message))) return r;
    }
    return undefined;
  }

  async function insert(tableInsert: TableInsert): Promise<TransportResult | undefined> {
    if (tableInsert.rows.length === 0) return undefined;
    return run(
      `INSERT INTO ${db}.${tableInsert.table} FORMAT JSONEachRow`,
      tableInsert.rows.map((row) => JSON.stringify(row)).join("\n"),
    );
  }

  return {
    async send(req): Promise<TransportResult> {
      if (!req.contentType.startsWith(CLOUDEVENTS_BATCH)) {
        return {
          kind: "fatal",
          error: new TransportError(
            `The ClickHouse transport reads CloudEvents batches; remove the \`encoder\` option (got ${req.contentType})`,
            { retryable: false },
          ),
        };
      }
      if (options.createTables !== false) {
        tablesReady ??= createTables();
        const result = await tablesReady;
        if (result) {
          tablesReady = undefined; // try again with the next attempt
          return result;
        }
      }
      const receivedMs = now();
      const rows = (JSON.parse(req.body) as InferlogEvent[]).map((event) => toRows({ event, receivedMs }));
      const { derived, events } = clickhouseTableRows(rows);
      // Derived tables first and the events table last, as the collector does: an events row means the whole event is in.
      for (const result of await Promise.all(derived.map(insert))) if (result) return result;
      return (await insert(events)) ?? { kind: "ok" };
    },
  };
}
