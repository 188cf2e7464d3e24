import {
  DEFAULT_CIRCUIT_COOLDOWN_MS,
  DEFAULT_CIRCUIT_FAILURES,
  DEFAULT_CIRCUIT_MAX_COOLDOWN_MS,
  DEFAULT_FLUSH_AT,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_MAX_RETRY_DURATION_MS,
  DEFAULT_MIN_BACKOFF_MS,
} from "./defaults.js";
import type { InferlogError } from "./errors.js";
import { fnOption, checkOption as need, objectOption } from "./errors.js";
import type { QueuedEvent } from "./event-queue.js";
import type { EventValidator, PrepareContext } from "./pipeline.js";
import type { FeatureFilter } from "./redact.js";
import { type Clock, consoleWarn, systemClock } from "./runtime.js";
import type { InferlogEvent, ModelInfo } from "./schema/events.js";
import { MAX_EVENT_BYTES, MAX_NAME_LENGTH } from "./schema/limits.js";
import type { DropReason } from "./stats.js";
import type { Transport } from "./transport.js";

/** Runs uploads (p-queue satisfies it). The client itself never has more than `maxConcurrency` batches in flight. */
export interface TaskQueue {
  add<T>(task: () => Promise<T>): Promise<T>;
}

/** Serializes a batch of already-serialized events into a request body. */
export interface Encoder {
  contentType: string;
  encode(events: readonly string[]): string;
  /**
   * Bytes one event (its JSON, `bytes` long in UTF-8) adds to an encoded batch. Default: `bytes + 1`
   * (the JSON and a separator). Page close packs a request to a hard byte budget by this.
   */
  eventBytes?(json: string, bytes: number): number;
  /** Bytes of an encoded batch besides its events' `eventBytes`. Default: 1 (`[` and `]`, less one separator). */
  batchBytes?: number;
}

export interface DropInfo {
  reason: DropReason;
  count: number;
  /** Ids of the dropped events when they were known. */
  ids: readonly string[];
}

export interface ClientOptions {
  transport: Transport;
  /** The app or service that logs (CloudEvents `source`). */
  source: string;
  /** Default model for `logPrediction`/`logFeatures`; its name also tags exposures, feedback and outcomes. */
  model?: ModelInfo;
  flushAt?: number;
  flushIntervalMs?: number;
  maxBatchBytes?: number;
  maxQueueSize?: number;
  maxQueueBytes?: number;
  maxEventBytes?: number;
  maxConcurrency?: number;
  maxAttempts?: number;
  maxRetryDurationMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  maxRetryAfterMs?: number;
  circuitBreaker?: { failureThreshold?: number; cooldownMs?: number; maxCooldownMs?: number };
  /** Keep this share of predictions (0 < r <= 1), decided by a hash of the prediction id. */
  sampleRate?: number;
  /** Edit an event before it is queued, or return null to drop it (counted as `before_send`). */
  beforeSend?: (event: InferlogEvent) => InferlogEvent | null;
  /** Feature names to keep (allow) or remove (deny) before anything leaves the process. */
  features?: { allow?: readonly string[]; deny?: readonly string[] };
  /** Throw invalid input from `log*` calls instead of dropping it. For development. */
  strict?: boolean;
  onError?: (error: InferlogError) => void;
  onDrop?: (info: DropInfo) => void;
  /**
   * Where the SDK says what went wrong (once per episode: the first delivery failure with its
   * likely cause, the first drop of each kind, events lost at exit). Default: the console;
   * `false` silences it.
   */
  logger?: { warn(message: string): void } | false;
  /** Explain every batch and every drop through the logger. For development. */
  debug?: boolean;
  /** The collector's URL as messages name it (the runtime adapters set it from their `endpoint`). */
  endpoint?: string;
  clock?: Clock;
  random?: () => number;
  taskQueue?: TaskQueue;
  encoder?: Encoder;
  /**
   * How events are checked against the wire contract. Default: zod's runtime parser (`validateEvent`);
   * `@inferlog/node` and `@inferlog/browser` default to the zod-free `liteValidateEvent` (held to the
   * zod schemas by a property test). `compiledValidateEvent` from `@inferlog/core/compiled` is zod,
   * about 10x faster than its runtime parser.
   */
  validator?: EventValidator;
  /** For runtime adapters (disk spool, IndexedDB): events as they enter the queue and as they settle. */
  hooks?: {
    onEnqueued?: (events: readonly QueuedEvent[]) => void;
    /**
     * Asked for each new event before it is queued; returning true means the adapter keeps it
     * (an overflow store on disk, handed back later with `restore`): it is neither queued nor dropped.
     * Must not throw.
     */
    divert?: (event: QueuedEvent) => boolean;
    onSettled?: (events: readonly QueuedEvent[], outcome: "sent" | DropReason) => void;
    /**
     * Whether a queued event is already safe in the adapter's store (a committed IndexedDB write):
     * `sendNow` gives its byte budget to the events this says are not, then to the rest. Must not throw.
     */
    isPersisted?: ((event: QueuedEvent) => boolean) | undefined;
  };
}

/** The options checked and defaulted; also the context `prepare` runs in. */
export interface ResolvedOptions
  extends Required<
      Omit<
        ClientOptions,
        | "model"
        | "beforeSend"
        | "features"
        | "onError"
        | "onDrop"
        | "circuitBreaker"
        | "hooks"
        | "taskQueue"
        | "validator"
        | "logger"
      >
    >,
    PrepareContext {
  logger: { warn(message: string): void };
  model: ModelInfo | undefined;
  beforeSend: ClientOptions["beforeSend"];
  /** `features.allow` and `features.deny` as sets. */
  filter: FeatureFilter;
  /** The `validator` option, or the runtime's default. */
  validate: EventValidator;
  onError: ((error: InferlogError) => void) | undefined;
  onDrop: ((info: DropInfo) => void) | undefined;
  circuitBreaker: { failureThreshold: number; cooldownMs: number; maxCooldownMs: number };
  hooks: NonNullable<ClientOptions["hooks"]>;
  /** Unset: the client runs batches itself (it never has more than `maxConcurrency` in flight). */
  taskQueue: TaskQueue | undefined;
}

/**
 * The integer options in `table` (name, default, minimum), checked in order and defaulted; `prefix` names
 * their parent. The same wording as `intOption`, written out here: calling it costs the browser bundle 38 B gzip.
 */
function ints<K extends string>(
  table: readonly (readonly [K, number, number])[],
  given: Partial<Record<K, unknown>> | undefined,
  prefix = "",
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [key, fallback, min] of table) {
    const value = given?.[key];
    need(
      value === undefined || (Number.isInteger(value) && (value as number) >= min),
      prefix + key,
      min ? (min > 1 ? `an integer >= ${min}` : "a positive integer") : "a non-negative integer",
      value,
    );
    out[key] = (value as number | undefined) ?? fallback;
  }
  return out;
}

function flag(name: string, value: unknown): boolean {
  need(value === undefined || typeof value === "boolean", name, "a boolean", value);
  return value === true;
}

/** `features.allow` or `features.deny` as a set. */
function featureNames(names: readonly string[] | undefined, key: string): Set<string> | undefined {
  need(
    names === undefined || (Array.isArray(names) && names.every((name) => typeof name === "string")),
    `features.${key}`,
    "an array of strings",
    names,
  );
  return names && new Set(names);
}

function checkEncoder(encoder: Encoder | undefined): Encoder | undefined {
  if (encoder === undefined) return encoder;
  objectOption("encoder", encoder, ["encode"]);
  need(typeof encoder.contentType === "string", "encoder.contentType", "a string", encoder.contentType);
  fnOption("encoder.eventBytes", encoder.eventBytes);
  ints([["batchBytes", 1, 0]], encoder, "encoder.");
  return encoder;
}

/** Checks the `hooks` option: each hook given is a function. Adapters that wrap the user's hooks call it first. */
export function checkHooks<T extends ClientOptions["hooks"]>(hooks: T): T {
  for (const key in objectOption("hooks", hooks)) fnOption(`hooks.${key}`, (hooks as Record<string, unknown>)[key]);
  return hooks;
}

type IntOption = Exclude<
  {
    [K in keyof ClientOptions]-?: NonNullable<ClientOptions[K]> extends number ? K : never;
  }[keyof ClientOptions],
  "sampleRate"
>;

/** Integer options: name, default, minimum; checked in this order. */
const INT_OPTIONS: readonly [IntOption, number, number][] = [
  ["flushAt", DEFAULT_FLUSH_AT, 1],
  ["flushIntervalMs", DEFAULT_FLUSH_INTERVAL_MS, 0],
  ["maxBatchBytes", DEFAULT_MAX_BATCH_BYTES, 1024],
  ["maxQueueSize", DEFAULT_MAX_QUEUE_SIZE, 1],
  ["maxQueueBytes", DEFAULT_MAX_QUEUE_BYTES, 1024],
  ["maxEventBytes", MAX_EVENT_BYTES, 256],
  ["maxConcurrency", DEFAULT_MAX_CONCURRENCY, 1],
  ["maxAttempts", DEFAULT_MAX_ATTEMPTS, 1],
  ["maxRetryDurationMs", DEFAULT_MAX_RETRY_DURATION_MS, 0],
  ["minBackoffMs", DEFAULT_MIN_BACKOFF_MS, 0],
  ["maxBackoffMs", DEFAULT_MAX_BACKOFF_MS, 0],
  ["maxRetryAfterMs", DEFAULT_MAX_RETRY_AFTER_MS, 0],
];
const BREAKER_OPTIONS: readonly [keyof ResolvedOptions["circuitBreaker"], number, number][] = [
  ["failureThreshold", DEFAULT_CIRCUIT_FAILURES, 1],
  ["cooldownMs", DEFAULT_CIRCUIT_COOLDOWN_MS, 0],
  ["maxCooldownMs", DEFAULT_CIRCUIT_MAX_COOLDOWN_MS, 0],
];

/**
 * The one place options are checked, defaulted and made consistent. The default validator
 * is a parameter so that a runtime that brings its own (the browser) never bundles zod.
 */
export function resolveOptions(options: ClientOptions, defaultValidator: EventValidator): ResolvedOptions {
  need(options !== null && typeof options === "object", "options", "an object", options);
  need(
    typeof options.transport?.send === "function",
    "transport",
    "an object with a send(request) method",
    options.transport,
  );
  const { source, model } = options;
  const sampleRate = options.sampleRate ?? 1;
  need(
    typeof source === "string" && source.length > 0 && source.length <= MAX_NAME_LENGTH,
    "source",
    `a non-empty string of at most ${MAX_NAME_LENGTH} characters (your app or service name)`,
    source,
  );
  need(
    model === undefined || (typeof model?.name === "string" && typeof model.version === "string"),
    "model",
    "{ name: string, version: string, ... }",
    model,
  );
  need(
    typeof sampleRate === "number" && sampleRate > 0 && sampleRate <= 1,
    "sampleRate",
    "a number in (0, 1]",
    options.sampleRate,
  );
  const logger =
    options.logger === false
      ? { warn() {} }
      : (objectOption("logger", options.logger, ["warn"]) ?? { warn: consoleWarn });
  const features = objectOption("features", options.features);

  const resolvedOptions = {
    ...ints(INT_OPTIONS, options),
    circuitBreaker: ints(BREAKER_OPTIONS, objectOption("circuitBreaker", options.circuitBreaker), "circuitBreaker."),
    transport: options.transport,
    source,
    model,
    sampleRate,
    beforeSend: fnOption("beforeSend", options.beforeSend),
    filter: {
      allow: featureNames(features?.allow, "allow"),
      deny: featureNames(features?.deny, "deny"),
    },
    strict: flag("strict", options.strict),
    debug: flag("debug", options.debug),
    endpoint: options.endpoint ?? options.transport.endpoint ?? "the collector",
    onError: fnOption("onError", options.onError),
    onDrop: fnOption("onDrop", options.onDrop),
    logger,
    clock: objectOption("clock", options.clock, ["now", "setTimeout", "clearTimeout"]) ?? systemClock,
    random: fnOption("random", options.random) ?? Math.random,
    taskQueue: objectOption("taskQueue", options.taskQueue, ["add"]),
    encoder: checkEncoder(options.encoder) ?? cloudEventsBatchEncoder,
    validate: fnOption("validator", options.validator) ?? defaultValidator,
    hooks: checkHooks(options.hooks) ?? {},
  } as ResolvedOptions;
  const count = resolvedOptions as unknown as Record<string, number>;

  // Inconsistent sizes are clamped, not fatal: the client still works, and says what it changed.
  const clamp = (key: string, limit: string): void => {
    if ((count[key] as number) <= (count[limit] as number)) return;
    const unset = (options as unknown as Record<string, unknown>)[key] === undefined ? "the default " : "";
    logger.warn(`${unset}${key} (${count[key]}) exceeds ${limit} (${count[limit]}); using ${count[limit]}`);
    count[key] = count[limit] as number;
  };
  clamp("maxBatchBytes", "maxQueueBytes");
  clamp("maxEventBytes", "maxBatchBytes");
  clamp("flushAt", "maxQueueSize");
  clamp("minBackoffMs", "maxBackoffMs");
  return resolvedOptions;
}

/** The CloudEvents JSON batch format (`application/cloudevents-batch+json`). */
export const cloudEventsBatchEncoder: Encoder = {
  contentType: "application/cloudevents-batch+json",
  encode: (events) => `[${events.join(",")}]`,
};
