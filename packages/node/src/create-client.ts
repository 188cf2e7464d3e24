import {
  type Client,
  type ClientOptions,
  type ClientStats,
  ConfigError,
  createClient as createCoreClient,
  DEFAULT_FLUSH_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type FlushResult,
  type InferlogError,
  intOption,
  type QueuedEvent,
  type StoredEvent,
  showValue,
  type Transport,
} from "@inferlog/core";
import { compiledValidateEvent } from "@inferlog/core/compiled";
import PQueue from "p-queue";
import { type ExitWatch, reportUnsent, watchExit } from "./exit-report.js";
import {
  DEFAULT_EXIT_FLUSH_TIMEOUT_MS,
  flushOnExit,
  registerSignalHooks,
  type ShutdownHookOptions,
} from "./lifecycle.js";
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
  /** Persist events to disk until the collector acknowledges them. Off by default. */
  spool?: SpoolOptions;
  /** Flush when the event loop empties (default on, 5 s budget). */
  flushOnExit?: boolean | { timeoutMs?: number };
}

export interface NodeClientStats extends ClientStats {
  spool: SpoolStats | undefined;
}

export interface ShutdownResult extends FlushResult {
  /** Ids of events that were dropped because the deadline passed. */
  unsentIds: string[];
  /** Of those, how many stay in the spool for the next start (0 without a spool). */
  spooled: number;
}

export interface NodeClient extends Client {
  shutdown(options?: { timeoutMs?: number }): Promise<ShutdownResult>;
  stats(): NodeClientStats;
  /** Opt in to flushing on SIGTERM/SIGINT; returns a function that removes the hooks. */
  registerShutdownHooks(options?: ShutdownHookOptions): () => void;
}

/** The core client with the undici transport, p-queue uploads, exit flushing and an optional spool. */
export function createClient(options: NodeClientOptions): NodeClient {
  if (options === null || typeof options !== "object") {
    throw new ConfigError(`Expected options to be an object, got \`${showValue(options)}\``);
  }
  const { endpoint, spool: spoolOptions, flushOnExit: exitOption, transport: custom, hooks, ...rest } = options;
  const logger =
    options.logger === false
      ? { warn() {} }
      : (options.logger ?? { warn: (m: string) => console.warn(`[inferlog] ${m}`) });
  const report = (e: InferlogError) => {
    try {
      if (options.onError) options.onError(e);
      else logger.warn(e.message);
    } catch {
      // a throwing onError must not break the spool
    }
  };

  if (!custom) warnIfPlainHttpInProduction(endpoint ?? process.env.INFERLOG_ENDPOINT, logger);

  const maxConcurrency = intOption("maxConcurrency", options.maxConcurrency, DEFAULT_NODE_MAX_CONCURRENCY, 1);
  const owned: UndiciTransport | undefined = custom
    ? undefined
    : createUndiciTransport({
        connections: maxConcurrency,
        ...rest,
        endpoint: endpoint ?? (process.env.INFERLOG_ENDPOINT as string),
      });
  const spool = spoolOptions === undefined ? undefined : new Spool(spoolOptions, report);
  const replay = new Replay();

  let collecting: string[] | undefined;
  let spooledAtShutdown = 0;
  const endpointUrl = endpoint ?? process.env.INFERLOG_ENDPOINT;
  const core = createCoreClient({
    ...rest,
    logger,
    ...(custom || endpointUrl === undefined ? {} : { endpoint: endpointUrl }),
    source: options.source ?? (process.env.INFERLOG_SOURCE as string),
    transport: custom ?? (owned as UndiciTransport),
    maxConcurrency,
    taskQueue: new PQueue({ concurrency: maxConcurrency }),
    // Servers can afford zod's compiled parsers: about 10x less CPU per event than the runtime parser.
    validator: options.validator ?? compiledValidateEvent,
    onDrop: (info) => {
      if (collecting && info.reason === "shutdown_timeout") for (const id of info.ids) collecting.push(id);
      options.onDrop?.(info);
    },
    hooks: {
      onEnqueued(events) {
        spool?.append(events);
        hooks?.onEnqueued?.(events);
      },
      onSettled(events, outcome) {
        const kept = spool?.settle(events, outcome) ?? 0;
        if (collecting && outcome === "shutdown_timeout") spooledAtShutdown += kept;
        if (replay.settled(events)) queueMicrotask(() => replay.next(core));
        hooks?.onSettled?.(events, outcome);
      },
    },
  });

  if (spool) {
    try {
      replay.start(spool.open(), options.maxQueueSize ?? 10_000, options.maxQueueBytes ?? 16 * 1024 * 1024);
      replay.next(core);
    } catch (e) {
      throw new ConfigError(
        `Could not open the spool in \`spool.dir\` (${spoolOptions?.dir}): ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  let signalsHandled = false;
  const exitWatch: ExitWatch = {
    pending: () => {
      const s = core.stats();
      return s.queued + s.inFlight;
    },
    endpoint: custom ? "the custom transport" : String(endpointUrl),
    lastFailure: () => core.stats().lastFailure,
    spooled: spool !== undefined,
    signalsHandled: () => signalsHandled,
    warn: (m) => logger.warn(m),
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
              const s = core.stats();
              return s.queued + s.inFlight;
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
      const result = core.flush(opts); // moves logged events into the queue (and the spool) synchronously
      spool?.sync();
      return holdOpen(result, opts?.timeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS);
    },
    shutdown(opts) {
      shutdownResult ??= holdOpen(
        (async () => {
          removeExitHook();
          unwatchExit();
          collecting = [];
          const r = await core.shutdown(opts);
          const unsentIds = collecting;
          collecting = undefined;
          process.off("exit", closeSpool);
          spool?.close();
          await owned?.close().catch(() => {});
          return { ...r, unsentIds, spooled: spooledAtShutdown };
        })(),
        (opts?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) + 1_000,
      );
      return shutdownResult;
    },
    stats: () => ({ ...core.stats(), spool: spool?.stats() }),
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
function warnIfPlainHttpInProduction(endpoint: string | undefined, logger: { warn(m: string): void }): void {
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
function holdOpen<T>(p: Promise<T>, ms: number): Promise<T> {
  const timer = setTimeout(() => {}, ms);
  return p.finally(() => clearTimeout(timer));
}

/**
 * Feeds events from an earlier run back into the queue in chunks of at most half its
 * capacity, so a large spool neither evicts fresh events nor fills memory.
 */
class Replay {
  private left: StoredEvent[] = [];
  private outstanding = new Set<string>();
  private maxCount = 1;
  private maxBytes = 1;

  start(events: StoredEvent[], queueSize: number, queueBytes: number): void {
    this.left = events.reverse(); // pop() from the end takes the oldest first
    this.maxCount = Math.max(1, Math.floor(queueSize / 2));
    this.maxBytes = Math.max(1, Math.floor(queueBytes / 2));
  }

  /** True when the current chunk is fully settled and more remains. */
  settled(events: readonly QueuedEvent[]): boolean {
    if (this.outstanding.size === 0) return false;
    for (const e of events) this.outstanding.delete(e.id);
    return this.outstanding.size === 0 && this.left.length > 0;
  }

  next(core: Client): void {
    if (this.outstanding.size > 0 || this.left.length === 0) return;
    const chunk: StoredEvent[] = [];
    let bytes = 0;
    while (this.left.length > 0 && chunk.length < this.maxCount) {
      const e = this.left[this.left.length - 1] as StoredEvent;
      if (chunk.length > 0 && bytes + e.json.length > this.maxBytes) break;
      this.left.pop();
      chunk.push(e);
      bytes += e.json.length;
      this.outstanding.add(e.id);
    }
    core.restore(chunk);
  }
}
