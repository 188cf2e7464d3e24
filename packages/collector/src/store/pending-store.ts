import { ClickHouseError } from "./clickhouse-http.js";
import type { Store } from "./types.js";

/** First wait between attempts, and the longest: ClickHouse is found within about 5 s of appearing. */
export const STORE_RETRY_FIRST_MS = 250;
export const STORE_RETRY_MAX_MS = 5_000;

export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreUnavailableError";
  }
}

export interface WaitLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** ClickHouse down, not misconfigured: the server did not answer at all (refused, reset, timed out, no such host). */
export const isUnreachable = (entry: unknown): boolean =>
  entry instanceof ClickHouseError && entry.status === undefined;

/** Out of room, not misconfigured: SQLite could not write its file (disk or quota full, file size limit, I/O error). */
export const isOutOfSpace = (entry: unknown): boolean => {
  const code = (entry as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR") || ["ENOSPC", "EDQUOT", "EFBIG"].includes(code);
};
const messageOf = (entry: unknown): string => (entry instanceof Error ? entry.message : String(entry));

/**
 * Opens a store that may not be usable yet: a ClickHouse server that is not up, a SQLite file on a full
 * disk. When the first attempt fails in a way `isTransient` says will pass, resolves
 * at once with a stand-in whose every call fails with `StoreUnavailableError` (so `/healthz` and
 * ingest answer 503 and clients retry) while attempts go on in the background, backing off to
 * STORE_RETRY_MAX_MS; from the first success on, calls go to the real store. Any other failure (a bad
 * password, a failed CREATE, a newer schema) is a mistake, not a wait, and fails the open as before.
 */
export interface WaitFor {
  /** What is opened, for messages: "ClickHouse at http://...", "the SQLite file ./x.db". */
  what: string;
  /** What it must become: "reachable", "writable". */
  until: string;
  kind: Store["kind"];
  /** Whether a failed open is a wait (down, full) rather than a mistake. */
  isTransient: (entry: unknown) => boolean;
}

export async function openWhenReachable(
  { what, until, kind, isTransient }: WaitFor,
  open: () => Promise<Store>,
  logger: WaitLogger,
): Promise<Store> {
  try {
    return await open();
  } catch (error) {
    if (!isTransient(error)) throw error;
    logger.warn(
      `inferlog-collector: ${what} is not ${until} yet (${messageOf(error)}); serving 503 and retrying until it is`,
    );
    return pendingStore({ what, until, kind }, open, logger, messageOf(error));
  }
}

function pendingStore(
  { what, until, kind }: Omit<WaitFor, "isTransient">,
  open: () => Promise<Store>,
  logger: WaitLogger,
  firstError: string,
): Store {
  let store: Store | undefined;
  let lastError = firstError;
  let closed = false;
  let delayMs = STORE_RETRY_FIRST_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt: Promise<void> | undefined;

  const schedule = () => {
    timer = setTimeout(() => {
      attempt = tryOpen();
    }, delayMs);
    timer.unref();
    delayMs = Math.min(delayMs * 2, STORE_RETRY_MAX_MS);
  };
  async function tryOpen(): Promise<void> {
    try {
      const opened = await open();
      if (closed) return void (await opened.close());
      store = opened;
      logger.info(`inferlog-collector: ${what} is ${until}; the store is ready`);
    } catch (error) {
      if (closed) return;
      const message = messageOf(error);
      // Once per kind of failure, not once per attempt.
      if (message !== lastError) logger.warn(`inferlog-collector: still waiting for ${what}: ${message}`);
      lastError = message;
      schedule();
    }
  }
  schedule();

  const ready = (): Store => {
    if (closed) throw new StoreUnavailableError("The store is closed");
    if (!store) throw new StoreUnavailableError(`${what} is not ${until} yet: ${lastError}`);
    return store;
  };
  return {
    kind,
    insertBatch: async (events) => ready().insertBatch(events),
    ping: async () => ready().ping(),
    eventIdCounts: async () => ready().eventIdCounts(),
    rawEvent: async (id) => ready().rawEvent(id),
    tableCounts: async () => ready().tableCounts(),
    labelCoverage: async (options) => ready().labelCoverage(options),
    joinedPrediction: async (modelName, predictionId) => ready().joinedPrediction(modelName, predictionId),
    readRows: async (sql, params) => {
      const store = ready();
      if (!store.readRows) throw new Error(`The ${store.kind} store cannot run reports: it has no readRows method`);
      return store.readRows(sql, params);
    },
    readSession() {
      const store = ready();
      if (!store.readSession) throw new Error(`The ${store.kind} store has no read sessions`);
      return store.readSession();
    },
    // A store without ensureTables (SQLite) runs the statements as they are, as the monitors would.
    ensureTables: async (statements) => {
      const store = ready();
      if (store.ensureTables) return store.ensureTables(statements);
      if (!store.readRows) throw new Error(`The ${store.kind} store cannot keep monitors: it has no readRows method`);
      for (const statement of statements) await store.readRows(statement);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await attempt;
      await store?.close();
    },
  };
}
