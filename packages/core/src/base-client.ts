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
  /** For adapters: put persisted events back in the queue with their original ids. */
  restore(events: readonly StoredEvent[]): void;
  /**
   * For adapters at page close: starts one request at once with queued events, most
   * valuable first (feedback and outcomes, exposures, predictions, features), whose
   * encoded body fits `maxBytes`; ignores `flushAt`, the timer and `maxConcurrency`.
   * Returns how many events it started (0 when nothing fits).
   */
  sendNow(limits: { maxBytes: number; maxEvents?: number }): number;
}

/**
 * The client with the pipeline supplied by the runtime adapter: its default validator and the prepare
 * step written for it. Adapters that bring a zod-free validator (the browser's) use this so zod is
 * never bundled.
 */
export function createBaseClient(options: ClientOptions, pipeline: Pipeline): Client {
  const o = resolveOptions(options, pipeline.validator);
  const { clock } = o;
  const diagnostics = createDiagnostics(o);
  const featureFixes = createFeatureFixCounter(diagnostics.once);
  o.transport = diagnostics.watch(o.transport);
  if (!o.strict) o.fixFeature = featureFixes.fixed;
  const acct = createAccounting(o, diagnostics);
  const { c, _safely: safely, drop, error, _settled: settled } = acct;
  const queue = createEventQueue(o.maxQueueSize, o.maxQueueBytes);
  const delivery = createDelivery(o, queue, acct);
  const { _drain: drain } = delivery;
  // The adapter's step is written for its own validator (the fused path repeats the zod contract):
  // another `validator` option runs the general step, so a validator of the user's is always asked.
  const prep = (o.validate === pipeline.validator && pipeline.prepare) || prepare;
  const intake = createIntake({
    _prepare(p) {
      // prepare() is written not to throw; this keeps a bug there from breaking a flush or the host app.
      try {
        enqueue(prep(p, o));
      } catch (cause) {
        drop("invalid", 1);
        error(internal(`prepare a ${p.type} event`, cause));
      }
    },
    _prepared: afterEnqueue,
    _pressed: (waiting) => waiting + queue.count >= o.maxQueueSize,
  });
  let seq = 0;
  let closed = false;
  let timer: unknown;
  let queueFullReported = false;
  let shutdownResult: Promise<FlushResult> | undefined;

  const internal = (what: string, cause: unknown) => new InferlogError("internal", `Could not ${what}`, { cause });

  /** Queues a newly logged event and tells the `onEnqueued` hook. */
  function offerNew(e: QueuedEvent): void {
    // An overflow store (the Node spool) may keep a new event on disk instead: neither queued nor dropped.
    if (o.hooks.divert?.(e)) return;
    if (offer(e)) safely("onEnqueued", o.hooks.onEnqueued, [e]);
  }

  /** Queues `e`; counts what a full queue drops (an evicted event, or `e` itself). Returns whether `e` is queued. */
  function offer(e: QueuedEvent): boolean {
    const { accepted, evicted } = queue._offer(e);
    if (accepted && evicted.length === 0) queueFullReported = false;
    else {
      if (accepted) settled(evicted, "queue_full");
      else drop("queue_full", 1, [e.id]);
      // One onError per episode: an outage must not turn into an error per logged event.
      if (!queueFullReported)
        error(
          new InferlogError(
            "queue_full",
            `The send queue is full (${o.maxQueueSize} events or ${o.maxQueueBytes} bytes): dropping lower-priority events`,
          ),
        );
      queueFullReported = true;
    }
    if (accepted) c.enqueued++;
    return accepted;
  }

  function enqueue(r: Prepared): void {
    if (r.ok) offerNew({ seq: ++seq, priority: r.priority, id: r.id, type: r.type, json: r.json, bytes: r.bytes });
    else {
      drop(r.reason, 1, r.id ? [r.id] : []);
      if (r.error) error(r.error);
    }
  }

  function afterEnqueue(): void {
    if (queue.count === 0) return;
    if (o.flushIntervalMs === 0) drain(seq);
    else {
      delivery._pump();
      if (!closed)
        timer ??= clock.setTimeout(() => {
          timer = undefined;
          drain(seq);
        }, o.flushIntervalMs);
    }
  }

  /**
   * Logging must never break the host app; in strict mode invalid input is the exception.
   * Everything that reads the caller's input runs inside this try: even reading `predictionId`
   * can throw (a getter, a Proxy). `predictionId` is given for predictions (already made).
   */
  function guarded(type: EventType, input: unknown, predictionId?: string, at?: number): void {
    // Every call counts, whatever becomes of it: logged = sent + dropped.total + queued + inFlight.
    c.logged++;
    try {
      predictionId ??= type === "ml.feature_profile" ? undefined : linkedId(input);
      if (closed || (predictionId !== undefined && !isSampledIn(predictionId, o.sampleRate))) {
        drop(closed ? "after_shutdown" : "sampled_out", 1);
        return;
      }
      const p: PendingEvent = { type, input, at: at ?? clock.now(), predictionId };
      if (o.strict) {
        const r = prep(p, o);
        if (!r.ok && r.reason === "invalid" && r.error) throw r.error;
        enqueue(r);
        afterEnqueue();
        return;
      }
      intake._add(p);
    } catch (e) {
      const known = e instanceof InferlogError;
      drop("invalid", 1);
      if (o.strict && known) throw e;
      error(known ? e : internal(`log a ${type} event`, e));
    }
  }

  const linkedId = (input: unknown): string | undefined => {
    const id = (input as { predictionId?: unknown } | null | undefined)?.predictionId;
    return typeof id === "string" ? id : undefined;
  };

  async function flush(opts?: { timeoutMs?: number }): Promise<FlushResult> {
    // Counted from before the intake is prepared: an event refused there was dropped during this call.
    const sentBefore = c.sent;
    const droppedBefore = c.dropped.total;
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
      sent: c.sent - sentBefore,
      dropped: c.dropped.total - droppedBefore,
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
      shutdownResult = flush({ timeoutMs: opts?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS }).then((r) => {
        if (r.ok) return r;
        delivery._abortAll("shutdown_timeout");
        settled(queue._takeOldest(Infinity, Infinity), "shutdown_timeout");
        return { ...r, ok: false, dropped: r.dropped + r.pending, pending: 0 };
      });
      return shutdownResult;
    },
    sendNow(limits) {
      try {
        intake._prepareAll();
        return delivery._sendNow(limits.maxBytes, limits.maxEvents ?? o.flushAt);
      } catch (e) {
        error(internal("send queued events now", e));
        return 0;
      }
    },
    stats: () => ({
      ...c,
      queued: queue.count + intake._length(),
      inFlight: delivery.inFlight(),
      dropped: { ...c.dropped },
      circuit: delivery.circuit(),
      featureValues: { ...featureFixes.counts },
      lastFailure: diagnostics.lastFailure(),
    }),
    restore(events) {
      try {
        // Restored events are on the adapter's disk already: the onEnqueued hook is not told.
        for (const s of events)
          offer({
            seq: ++seq,
            priority: PRIORITY[s.type] ?? 1,
            id: s.id,
            type: s.type,
            json: s.json,
            bytes: utf8Length(s.json),
          });
        afterEnqueue();
      } catch (e) {
        error(internal("restore persisted events", e));
      }
    },
  };
}

export type { DropReason };
