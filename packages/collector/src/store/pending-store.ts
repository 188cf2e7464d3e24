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

/** Down, not misconfigured: the server did not answer at all (refused, reset, timed out, no such host). */
const isUnreachable = (e: unknown): e is ClickHouseError => e instanceof ClickHouseError && e.status === undefined;
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Opens a store whose server may not be up yet. When the first attempt finds it unreachable, resolves
 * at once with a stand-in whose every call fails with `StoreUnavailableError` (so `/healthz` and
 * ingest answer 503 and clients retry) while attempts go on in the background, backing off to
 * STORE_RETRY_MAX_MS; from the first success on, calls go to the real store. An answer from the server
 * that refuses (a bad password, a failed CREATE) is not "down" and fails the open as before.
 */
export async function openWhenReachable(
  what: string,
  open: () => Promise<Store>,
  logger: WaitLogger,
  kind: Store["kind"],
): Promise<Store> {
  try {
    return await open();
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    logger.warn(
      `inferlog-collector: ${what} is not reachable yet (${messageOf(e)}); serving 503 and retrying until it is`,
    );
    return pendingStore(what, open, logger, kind, messageOf(e));
  }
}

function pendingStore(
  what: string,
  open: () => Promise<Store>,
  logger: WaitLogger,
  kind: Store["kind"],
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
      logger.info(`inferlog-collector: ${what} is reachable; the store is ready`);
    } catch (e) {
      if (closed) return;
      const message = messageOf(e);
      // Once per kind of failure, not once per attempt.
      if (message !== lastError) logger.warn(`inferlog-collector: still waiting for ${what}: ${message}`);
      lastError = message;
      schedule();
    }
  }
  schedule();

  const ready = (): Store => {
    if (closed) throw new StoreUnavailableError("The store is closed");
    if (!store) throw new StoreUnavailableError(`${what} is not reachable yet: ${lastError}`);
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
      const s = ready();
      if (!s.readRows) throw new Error(`The ${s.kind} store cannot run reports: it has no readRows method`);
      return s.readRows(sql, params);
    },
    queryBound: async (sql, params) => {
      const s = ready();
      if (!s.queryBound) throw new Error(`The ${s.kind} store cannot keep monitors: it has no queryBound method`);
      return s.queryBound(sql, params);
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
