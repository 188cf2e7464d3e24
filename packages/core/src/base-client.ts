import { createAccounting } from "./accounting.js";
import type { PendingEvent } from "./build-event.js";
import { DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS } from "./defaults.js";
import { createDelivery } from "./delivery.js";
import { createDiagnostics } from "./diagnostics.js";
import { InferlogError } from "./errors.js";
import { createEventQueue, PRIORITY, type QueuedEvent } from "./event-queue.js";
import { createFeatureFixCounter } from "./feature-values.js";
import type {
  ExposureInput,
  FeatureProfileInput,
  FeaturesInput,
  FeedbackInput,
  OutcomeInput,
  PredictionInput,
} from "./inputs.js";
import { createIntake } from "./intake.js";
import { type ClientOptions, resolveOptions } from "./options.js";
import type { Pipeline, Prepared } from "./pipeline.js";
import { prepare } from "./prepare.js";
import { isSampledIn } from "./sampling.js";
import type { EventType } from "./schema/events.js";
import type { ClientStats, DropReason } from "./stats.js";
import { utf8Length } from "./utf8.js";
import { uuidv7 } from "./uuidv7.js";

export interface FlushResult {
  /** True when everything queued before the call was settled (sent or counted as dropped) in time. */
  ok: boolean;
  /** Events acknowledged while the call ran. */
  sent: number;
  /** Events dropped while the call ran (see `stats().dropped` for reasons). */
  dropped: number;
  /** Events still queued or in flight when the call returned. */
  pending: number;
}

/** An event persisted by an adapter (spool, IndexedDB) and handed back at the next start. */
export interface StoredEvent {
  id: string;
  type: EventType;
  json: string;
}

export interface Client {
  logPrediction(input: PredictionInput): { predictionId: string };
  logExposure(input: ExposureInput): void;
  logFeedback(input: FeedbackInput): void;
  logOutcome(input: OutcomeInput): void;
  logFeatures(input: FeaturesInput): void;
  logFeatureProfile(input: FeatureProfileInput): void;
  /** Sends everything logged before the call; resolves with what happened, never rejects. */
  flush(options?: { timeoutMs?: number }): Promise<FlushResult>;
  /** Flushes within one absolute deadline, then stops: later calls are counted as `after_shutdown`. */
  shutdown(options?: { timeoutMs?: number }): Promise<FlushResult>;
  stats(): ClientStats;
  /** For adapters: put persisted events back in the queue with their original ids (ignored after `shutdown()`). */
  restore(events: readonly StoredEvent[]): void;
  /**
   * For adapters at page close: first prepares every event logged so far (each is then queued and told to the
   * `onEnqueued` hook, where an adapter stores it, or counted as dropped), then starts one request at once with
   * queued events, most valuable first (feedback and outcomes, exposures, predictions, features), whose encoded
   * body fits `maxBytes`; ignores `flushAt`, the timer and `maxConcurrency`. Returns how many events it started
   * (0 when nothing fits). `{ maxBytes: 0 }` only prepares: what an adapter that stores events needs before it
   * saves what the page still holds.
   */
  sendNow(limits: { maxBytes: number; maxEvents?: number }): number;
}

/**
 * The client with the pipeline supplied by the runtime adapter: its default validator and the prepare
 * step written for it. Adapters that bring a zod-free validator (the browser's) use this so zod is
 * never bundled.
 */
export function createBaseClient(options: ClientOptions, pipeline: Pipeline): Client {
  const resolvedOptions = resolveOptions(options, pipeline.validator);
  const { clock } = resolvedOptions;
  const diagnostics = createDiagnostics(resolvedOptions);
  const featureFixes = createFeatureFixCounter(diagnostics.once);
  resolvedOptions.transport = diagnostics.watch(resolvedOptions.transport);
  if (!resolvedOptions.strict) {
    resolvedOptions.fixFeature = featureFixes.fixed;
    resolvedOptions.strayFound = diagnostics.once; // a field the validator left out (stray-fields.ts)
  }
  const acct = createAccounting(resolvedOptions, diagnostics);
  const { c: counters, _safely: safely, drop, error, _settled: settled } = acct;
  const queue = createEventQueue(resolvedOptions.maxQueueSize, resolvedOptions.maxQueueBytes);
  const delivery = createDelivery(resolvedOptions, queue, acct);
  const { _drain: drain } = delivery;
  // The adapter's step is written for its own validator (the fused path repeats the zod contract):
  // another `validator` option runs the general step, so a validator of the user's is always asked.
  const prep = (resolvedOptions.validate === pipeline.validator && pipeline.prepare) || prepare;
  const intake = createIntake({
    _prepare(event) {
      // prepare() is written not to throw; this keeps a bug there from breaking a flush or the host app.
      try {
        enqueue(prep(event, resolvedOptions));
      } catch (cause) {
        drop("invalid", 1);
        error(internal(`prepare a ${event.type} event`, cause));
      }
    },
    _prepared: afterEnqueue,
    _pressed: (waiting) => waiting + queue.count >= resolvedOptions.maxQueueSize,
  });
  let seq = 0;
  let closed = false;
  let timer: unknown;
  let queueFullReported = false;
  let shutdownResult: Promise<FlushResult> | undefined;

  const internal = (what: string, cause: unknown) => new InferlogError("internal", `Could not ${what}`, { cause });

  /** Queues a newly logged event and tells the `onEnqueued` hook. */
  function offerNew(event: QueuedEvent): void {
    // An overflow store (the Node spool) may keep a new event on disk instead: neither queued nor dropped.
    if (resolvedOptions.hooks.divert?.(event)) return;
    if (offer(event)) safely("onEnqueued", resolvedOptions.hooks.onEnqueued, [event]);
  }

  /** Queues `e`; counts what a full queue drops (an evicted event, or `e` itself). Returns whether `e` is queued. */
  function offer(event: QueuedEvent): boolean {
    const { accepted, evicted } = queue._offer(event);
    if (accepted && evicted.length === 0) queueFullReported = false;
    else {
      if (accepted) settled(evicted, "queue_full");
      else drop("queue_full", 1, [event.id]);
      // One onError per episode: an outage must not turn into an error per logged event.
      if (!queueFullReported)
        error(
          new InferlogError(
            "queue_full",
            `The send queue is full (${resolvedOptions.maxQueueSize} events or ${resolvedOptions.maxQueueBytes} bytes): dropping lower-priority events`,
          ),
        );
      queueFullReported = true;
    }
    if (accepted) counters.enqueued++;
    return accepted;
  }

  function enqueue(prepared: Prepared): void {
    if (prepared.ok)
      offerNew({
        seq: ++seq,
        priority: prepared.priority,
        id: prepared.id,
        type: prepared.type,
        json: prepared.json,
        bytes: prepared.bytes,
      });
    else {
      drop(prepared.reason, 1, prepared.id ? [prepared.id] : []);
      if (prepared.error) error(prepared.error);
    }
  }

  function afterEnqueue(): void {
    if (queue.count === 0) return;
    if (resolvedOptions.flushIntervalMs === 0) drain(seq);
    else {
      delivery._pump();
      if (!closed)
        timer ??= clock.setTimeout(() => {
          timer = undefined;
          drain(seq);
        }, resolvedOptions.flushIntervalMs);
    }
  }

  /**
   * Logging must never break the host app; in strict mode invalid input is the exception.
   * Everything that reads the caller's input runs inside this try: even reading `predictionId`
   * can throw (a getter, a Proxy). `predictionId` is given for predictions (already made).
   */
  function guarded(type: EventType, input: unknown, predictionId?: string, at?: number): void {
    // Every call counts, whatever becomes of it: logged = sent + dropped.total + queued + inFlight.
    counters.logged++;
    try {
      predictionId ??= type === "ml.feature_profile" ? undefined : linkedId(input);
      if (closed || (predictionId !== undefined && !isSampledIn(predictionId, resolvedOptions.sampleRate))) {
        drop(closed ? "after_shutdown" : "sampled_out", 1);
        return;
      }
      const event: PendingEvent = { type, input, at: at ?? clock.now(), predictionId };
      if (resolvedOptions.strict) {
        const prepared = prep(event, resolvedOptions);
        if (!prepared.ok && prepared.reason === "invalid" && prepared.error) throw prepared.error;
        enqueue(prepared);
        afterEnqueue();
        return;
      }
      intake._add(event);
    } catch (cause) {
      const known = cause instanceof InferlogError;
      drop("invalid", 1);
      if (resolvedOptions.strict && known) throw cause;
      error(known ? cause : internal(`log a ${type} event`, cause));
    }
  }

  const linkedId = (input: unknown): string | undefined => {
    const id = (input as { predictionId?: unknown } | null | undefined)?.predictionId;
    return typeof id === "string" ? id : undefined;
  };

  async function flush(opts?: { timeoutMs?: number }): Promise<FlushResult> {
    // Counted from before the intake is prepared: an event refused there was dropped during this call.
    const sentBefore = counters.sent;
    const droppedBefore = counters.dropped.total;
    intake._prepareAll();
    const target = seq;
    const deadline = clock.now() + (opts?.timeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS);
    delivery._flushThrough(target);
    while (!delivery._settledThrough(target)) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      await delivery._settlement(left);
    }
    return {
      ok: delivery._settledThrough(target),
      sent: counters.sent - sentBefore,
      dropped: counters.dropped.total - droppedBefore,
      pending: queue.count + delivery.inFlight(),
    };
  }

  return {
    logPrediction(input) {
      let predictionId = "";
      let at: number | undefined;
      try {
        at = clock.now();
        predictionId = linkedId(input) ?? uuidv7(at);
      } catch {
        // A throwing getter or clock must not reach the caller; guarded() counts the event as invalid.
      }
      guarded("ml.prediction", input, predictionId, at);
      return { predictionId };
    },
    logExposure: (input) => guarded("ml.exposure", input),
    logFeedback: (input) => guarded("ml.feedback", input),
    logOutcome: (input) => guarded("ml.outcome", input),
    logFeatures: (input) => guarded("ml.features", input),
    logFeatureProfile: (input) => guarded("ml.feature_profile", input),
    flush,
    shutdown(opts) {
      if (shutdownResult) return shutdownResult;
      intake._prepareAll();
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      shutdownResult = flush({ timeoutMs: opts?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS }).then((result) => {
        if (result.ok) return result;
        delivery._abortAll("shutdown_timeout");
        settled(queue._takeOldest(Infinity, Infinity), "shutdown_timeout");
        return { ...result, ok: false, dropped: result.dropped + result.pending, pending: 0 };
      });
      return shutdownResult;
    },
    sendNow(limits) {
      try {
        intake._prepareAll();
        return delivery._sendNow(limits.maxBytes, limits.maxEvents ?? resolvedOptions.flushAt);
      } catch (cause) {
        error(internal("send queued events now", cause));
        return 0;
      }
    },
    stats: () => ({
      ...counters,
      queued: queue.count + intake._length(),
      inFlight: delivery.inFlight(),
      dropped: { ...counters.dropped },
      circuit: delivery.circuit(),
      featureValues: { ...featureFixes.counts },
      lastFailure: diagnostics.lastFailure(),
    }),
    restore(events) {
      // Once shut down, nothing new is sent: the events stay with the adapter for the next start.
      if (closed) return;
      try {
        // Restored events are on the adapter's disk already: the onEnqueued hook is not told.
        for (const event of events)
          offer({
            seq: ++seq,
            priority: PRIORITY[event.type] ?? 1,
            id: event.id,
            type: event.type,
            json: event.json,
            bytes: utf8Length(event.json),
          });
        afterEnqueue();
      } catch (cause) {
        error(internal("restore persisted events", cause));
      }
    },
  };
}

export type { DropReason };
