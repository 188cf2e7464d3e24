import type {
  Client,
  ClientOptions,
  ClientStats,
  FlushResult,
  InferlogError,
  QueuedEvent,
  Transport,
} from "@inferlog/core";
import {
  ConfigError,
  checkHooks,
  checkOption,
  createBaseClient,
  DEFAULT_FLUSH_TIMEOUT_MS,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  fnOption,
  intOption,
  liteValidateEvent,
  objectOption,
  showValue,
} from "@inferlog/core/lite";
import { jsonJoiner, prepareFast, warmPrepareFast } from "@inferlog/core/server";
import { cloudEventsBatchJoinedOnce } from "./batch-encoder.js";
import { type ExitWatch, reportUnsent, watchExit } from "./exit-report.js";
import {
  DEFAULT_EXIT_FLUSH_TIMEOUT_MS,
  flushOnExit,
  registerSignalHooks,
  type ShutdownHookOptions,
} from "./lifecycle.js";
import { Overflow } from "./spool/overflow.js";
import { Spool, type SpoolOptions, type SpoolStats } from "./spool/spool.js";
import { createUndiciTransport, type UndiciTransport, type UndiciTransportOptions } from "./undici-transport.js";

/** Batches in flight at once; the collector dedups by id, so order across batches does not matter. */
export const DEFAULT_NODE_MAX_CONCURRENCY = 4;

export interface NodeClientOptions
  extends Omit<ClientOptions, "transport" | "source" | "taskQueue">,
    Omit<UndiciTransportOptions, "endpoint" | "now"> {
  /** The collector's ingest URL. Default: `INFERLOG_ENDPOINT` from the environment. */
  endpoint?: string;
  /** The app or service that logs. Default: `INFERLOG_SOURCE` from the environment. */
  source?: string;
  /** Replaces the undici transport (a custom protocol, or core's MemoryTransport in tests). */
  transport?: Transport;
  /**
   * Persist events to disk until the collector acknowledges them, and hold on disk what the
   * memory queue cannot (sent oldest first once the collector accepts again). Off by default.
   */
  spool?: SpoolOptions;
  /** Flush when the event loop empties (default on, 5 s budget). */
  flushOnExit?: boolean | { timeoutMs?: number };
}

export interface NodeClientStats extends ClientStats {
  /** Requests abandoned on the wire at a deadline (flush, shutdown, exit) and the events they carried. */
  aborted: { requests: number; events: number };
  spool: SpoolStats | undefined;
}

export interface ShutdownResult extends FlushResult {
  /** Ids of events that were dropped because the deadline passed. */
  unsentIds: string[];
  /**
   * How many events stay in the spool for the next start (0 without a spool): those of `unsentIds` it holds, those
   * whose retries ran out in this run (counted in `dropped.retries_exhausted` too), and the backlog (`pending`).
   */
  spooled: number;
}

export interface NodeClient extends Client {
  shutdown(options?: { timeoutMs?: number }): Promise<ShutdownResult>;
  stats(): NodeClientStats;
  /** Opt in to flushing on SIGTERM/SIGINT; returns a function that removes the hooks. */
  registerShutdownHooks(options?: ShutdownHookOptions): () => void;
}

/** The core client with the undici transport, exit flushing and an optional spool. */
export function createClient(options: NodeClientOptions): NodeClient {
  if (options === null || typeof options !== "object") {
    throw new ConfigError(`Expected options to be an object, got \`${showValue(options)}\``);
  }
  const { endpoint, spool: spoolOptions, flushOnExit: exitOption, transport: custom, hooks, ...rest } = options;
  // Checked here as well as in core: this client speaks through `logger` first and wraps `onDrop` and `hooks`.
  const logger =
    options.logger === false
      ? { warn() {} }
      : (objectOption("logger", options.logger, ["warn"]) ?? {
          warn: (message: string) => console.warn(`[inferlog] ${message}`),
        });
  fnOption("onDrop", options.onDrop);
  checkHooks(hooks);
  checkOption(
    exitOption === undefined || typeof exitOption === "boolean" || (typeof exitOption === "object" && exitOption),
    "flushOnExit",
    "true, false or { timeoutMs }",
    exitOption,
  );
  if (typeof exitOption === "object") {
    intOption("flushOnExit.timeoutMs", exitOption.timeoutMs, DEFAULT_EXIT_FLUSH_TIMEOUT_MS, 0);
  }
  const report = (error: InferlogError) => {
    try {
      if (options.onError) options.onError(error);
      else logger.warn(error.message);
    } catch {
      // a throwing onError must not break the spool
    }
  };

  // Named here, where the environment's defaults are read, so a missing one says where else it could come from.
  if (!custom && endpoint === undefined && process.env.INFERLOG_ENDPOINT === undefined)
    throw new ConfigError(
      "Expected `endpoint` (or INFERLOG_ENDPOINT in the environment) to be the collector's ingest URL, got nothing",
    );
  if (options.source === undefined && process.env.INFERLOG_SOURCE === undefined)
    throw new ConfigError(
      "Expected `source` (or INFERLOG_SOURCE in the environment) to be your app or service name, got nothing",
    );
  if (!custom) warnIfPlainHttpInProduction(endpoint ?? process.env.INFERLOG_ENDPOINT, logger);

  const maxConcurrency = intOption("maxConcurrency", options.maxConcurrency, DEFAULT_NODE_MAX_CONCURRENCY, 1);
  const owned: UndiciTransport | undefined = custom
    ? undefined
    : createUndiciTransport({
        connections: maxConcurrency,
        ...rest,
        endpoint: endpoint ?? (process.env.INFERLOG_ENDPOINT as string),
      });
  /** A user's callback must not break the spool's bookkeeping; say so when one throws. */
  const callSafely = (name: string, fn: () => void) => {
    try {
      fn();
    } catch (cause) {
      logger.warn(`the ${name} callback threw: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  };
  const maxQueueBytes = intOption("maxQueueBytes", options.maxQueueBytes, DEFAULT_MAX_QUEUE_BYTES, 1024);
  const spool = spoolOptions === undefined ? undefined : new Spool(spoolOptions, report);
  let spoolFull = 0;
  const overflow =
    spool &&
    new Overflow(
      spool,
      intOption("maxQueueSize", options.maxQueueSize, DEFAULT_MAX_QUEUE_SIZE, 1),
      maxQueueBytes,
      (event) => {
        spoolFull++;
        callSafely("onDrop", () => options.onDrop?.({ reason: "spool_full", count: 1, ids: [event.id] }));
      },
    );
  // A backlog's JSON in large strings, which scavenges do not copy (core's json-chunks.ts).
  const joiner = jsonJoiner(maxQueueBytes);
  const aborted = { requests: 0, events: 0 };
  /** A deadline passed: what is still on the wire is abandoned (it stays queued, and in the spool). */
  const abortInFlight = () => {
    const carried = owned?.abortInFlight();
    if (!carried) return;
    aborted.requests += carried.requests;
    aborted.events += carried.events;
  };

  let collecting: string[] | undefined;
  const endpointUrl = endpoint ?? process.env.INFERLOG_ENDPOINT;
  const coreOptions: ClientOptions = {
    ...rest,
    logger,
    ...(custom || endpointUrl === undefined ? {} : { endpoint: endpointUrl }),
    source: options.source ?? (process.env.INFERLOG_SOURCE as string),
    transport: custom ?? (owned as UndiciTransport),
    maxConcurrency,
    encoder: options.encoder ?? cloudEventsBatchJoinedOnce,
    onDrop: (info) => {
      if (collecting && info.reason === "shutdown_timeout") for (const id of info.ids) collecting.push(id);
      options.onDrop?.(info);
    },
    hooks: {
      ...(overflow
        ? {
            divert(event: QueuedEvent) {
              const where = overflow.place(event);
              // On disk the event is accepted for delivery as surely as in memory: tell the hook now.
              if (where === "disk") callSafely("onEnqueued", () => hooks?.onEnqueued?.([event]));
              return where !== "memory";
            },
          }
        : {}),
      onEnqueued(events) {
        overflow?.enqueued(events);
        joiner?.add(events);
        hooks?.onEnqueued?.(events);
      },
      onSettled(events, outcome) {
        joiner?.left(events);
        overflow?.settled(events, outcome);
        hooks?.onSettled?.(events, outcome);
      },
    },
  };
  // Core's zod-free validator (held to the zod schemas by its property test): as fast as zod's
  // compiled parsers here, and importing zod cost ~100 ms of CPU at every cold start. Predictions
  // take the fused path written for them.
  const core = createBaseClient(coreOptions, { validator: liteValidateEvent, prepare: prepareFast });
  warmPrepareFast(liteValidateEvent); // one-time costs here, not in the first log calls
  if (spool) {
    try {
      spool.open(); // after core checked the options, so a bad option leaves no open files behind
    } catch (error) {
      throw new ConfigError(
        `Could not open the spool in \`spool.dir\` (${spoolOptions?.dir}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  overflow?.attach((events) => core.restore(events));

  /** Events on disk only (the spool's backlog). */
  const onDisk = () => spool?.backlog ?? 0;

  /**
   * Flushes memory, then the backlog that was on disk at the call, chunk by chunk, within one
   * deadline; at the deadline, requests still on the wire are aborted.
   */
  async function flushAll(timeoutMs: number): Promise<FlushResult> {
    const deadline = Date.now() + timeoutMs;
    const first = core.flush({ timeoutMs }); // moves logged events into memory or the backlog at once
    const mark = overflow?.mark() ?? 0;
    const backlogAtCall = overflow !== undefined && !overflow.reached(mark);
    let result = await first;
    let sent = result.sent;
    let dropped = result.dropped;
    // Each round flushes what memory holds, refilled from disk; once everything up to the mark had
    // been read before a round began, that round's flush covers the last of it.
    // Once shutdown detached the backlog, it stays on disk: nothing would read it back.
    while (backlogAtCall && overflow.attached && result.ok && Date.now() < deadline) {
      const drained = overflow.reached(mark);
      overflow.refill();
      result = await core.flush({ timeoutMs: deadline - Date.now() });
      sent += result.sent;
      dropped += result.dropped;
      if (drained) break;
    }
    const ok = result.ok && (overflow?.reached(mark) ?? true);
    if (!ok) abortInFlight();
    return { ok, sent, dropped, pending: result.pending + onDisk() };
  }

  let signalsHandled = false;
  const exitWatch: ExitWatch = {
    pending: () => {
      const clientStats = core.stats();
      return clientStats.queued + clientStats.inFlight + onDisk();
    },
    endpoint: custom ? "the custom transport" : String(endpointUrl),
    lastFailure: () => core.stats().lastFailure,
    spooled: spool !== undefined,
    signalsHandled: () => signalsHandled,
    warn: (message) => logger.warn(message),
  };
  const unwatchExit = watchExit(exitWatch);

  const exitOpts = exitOption === undefined || exitOption === true ? {} : exitOption;
  const removeExitHook =
    exitOpts === false
      ? () => {}
      : flushOnExit(
          {
            flush: (timeoutMs) => client.flush({ timeoutMs }),
            pending: () => {
              const clientStats = core.stats();
              return clientStats.queued + clientStats.inFlight + onDisk();
            },
            logged: () => core.stats().logged,
            // The exit report names the endpoint and the last cause.
            warn: () => reportUnsent(exitWatch, "before exit"),
          },
          exitOpts.timeoutMs ?? DEFAULT_EXIT_FLUSH_TIMEOUT_MS,
        );

  // On the way out (after beforeExit's flush), seal the spool so a fully acknowledged segment is removed.
  const closeSpool = () => spool?.close();
  if (spool) process.once("exit", closeSpool);

  let shutdownResult: Promise<ShutdownResult> | undefined;
  const client: NodeClient = {
    ...core,
    flush(opts) {
      const timeoutMs = opts?.timeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
      const result = flushAll(timeoutMs);
      spool?.sync(); // flushAll moved logged events into the queue or the backlog synchronously
      return holdOpen(result, timeoutMs);
    },
    shutdown(opts) {
      shutdownResult ??= holdOpen(
        (async () => {
          removeExitHook();
          unwatchExit();
          const timeoutMs = opts?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
          const started = Date.now();
          const flushed = spool ? await flushAll(timeoutMs) : undefined;
          collecting = [];
          // Before core closes: a refill (as events settle at the deadline) would put backlog events
          // into the closed client, to be sent after shutdown resolved and missing from its report.
          overflow?.detach();
          const result = await core.shutdown({ timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)) });
          abortInFlight();
          const unsentIds = collecting;
          collecting = undefined;
          process.off("exit", closeSpool);
          const left = onDisk();
          spool?.close();
          await owned?.close().catch(() => {});
          const sent = result.sent + (flushed?.sent ?? 0);
          const dropped = result.dropped + (flushed?.dropped ?? 0);
          return {
            ...result,
            ok: result.ok && left === 0,
            sent,
            dropped,
            pending: left,
            unsentIds,
            // On disk for the next start: every event the spool parked in this run (its deadline passed, or its
            // retries ran out, at shutdown or before) and the backlog never read back.
            spooled: (spool?.stats().parked ?? 0) + left,
          };
        })(),
        (opts?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) + 1_000,
      );
      return shutdownResult;
    },
    stats: () => {
      const clientStats = core.stats();
      return {
        ...clientStats,
        // Events on disk only are still on their way: queued, not dropped.
        queued: clientStats.queued + onDisk(),
        dropped: {
          ...clientStats.dropped,
          spool_full: clientStats.dropped.spool_full + spoolFull,
          total: clientStats.dropped.total + spoolFull,
        },
        aborted: { ...aborted },
        spool: spool?.stats(),
      };
    },
    registerShutdownHooks(opts) {
      signalsHandled = true;
      const unregister = registerSignalHooks((timeoutMs) => client.shutdown({ timeoutMs }), opts);
      return () => {
        signalsHandled = false;
        unregister();
      };
    },
  };
  return client;
}

/** Events and the write key would cross the network in clear; loopback (a sidecar collector) is fine. */
function warnIfPlainHttpInProduction(endpoint: string | undefined, logger: { warn(message: string): void }): void {
  if (process.env.NODE_ENV !== "production" || typeof endpoint !== "string") return;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return; // the transport reports a malformed endpoint
  }
  const host = url.hostname;
  const loopback = host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (url.protocol === "http:" && !loopback) {
    logger.warn(
      `The endpoint ${url.origin}${url.pathname} is plain http in production: events and the write key travel unencrypted; use https://`,
    );
  }
}

/**
 * Core's timers are unref'd so a forgotten client never keeps a process alive; but a
 * caller awaiting flush() or shutdown() (a script's last line, a top-level await) must
 * get its answer even when only backoff timers are pending, or Node exits first.
 */
function holdOpen<T>(part: Promise<T>, ms: number): Promise<T> {
  const timer = setTimeout(() => {}, ms);
  return part.finally(() => clearTimeout(timer));
}
