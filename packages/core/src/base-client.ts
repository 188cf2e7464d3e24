import { Accounting } from "./accounting.js";
import type { PendingEvent } from "./build-event.js";
import { InferlogError } from "./errors.js";
import { EventQueue, PRIORITY, type QueuedEvent } from "./event-queue.js";
import type {
  ExposureInput,
  FeatureProfileInput,
  FeaturesInput,
  FeedbackInput,
  OutcomeInput,
  PredictionInput,
} from "./inputs.js";
import {
  type ClientOptions,
  DEFAULT_FLUSH_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  resolveOptions,
} from "./options.js";
import { type PrepareContext, type Prepared, prepare } from "./prepare.js";
import { queueMicrotask } from "./runtime.js";
import { isSampledIn } from "./sampling.js";
import type { EventType } from "./schema/events.js";
import type { ClientStats, DropReason } from "./stats.js";
import { Uploader } from "./uploader.js";
import { utf8Length } from "./utf8.js";
import { uuidv7 } from "./uuidv7.js";
import type { EventValidator } from "./validate.js";

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

/** Pending events are prepared in chunks off the calling path (a microtask later) or at this size. */
const INTAKE_CHUNK = 256;

/**
 * The client with the default validator supplied by the caller: runtime adapters that bring
 * their own (the browser's zod-free `liteValidateEvent`) use this so zod is never bundled.
 */
export function createBaseClient(options: ClientOptions, defaultValidator: EventValidator): Client {
  const o = resolveOptions(options, defaultValidator);
  const acct = new Accounting({ onError: o.onError, onDrop: o.onDrop, warn: (m) => o.logger.warn(m) });
  const queue = new EventQueue(o.maxQueueSize, o.maxQueueBytes);
  const uploader = new Uploader(o, queue, acct);
  const ctx: PrepareContext = {
    source: o.source,
    model: o.model,
    sampleRate: o.sampleRate,
    filter: { allow: o.featureAllow, deny: o.featureDeny },
    beforeSend: o.beforeSend,
    maxEventBytes: o.maxEventBytes,
    validate: o.validator,
  };

  let intake: PendingEvent[] = [];
  let scheduled = false;
  let seq = 0;
  let closed = false;
  let timer: unknown;
  let queueFullReported = false;
  let shutdownResult: Promise<FlushResult> | undefined;

  const hook = <K extends "onEnqueued" | "onSettled">(
    name: K,
    ...args: Parameters<NonNullable<(typeof o.hooks)[K]>>
  ) => {
    const fn = o.hooks[name] as ((...a: typeof args) => void) | undefined;
    if (!fn) return;
    try {
      fn(...args);
    } catch (e) {
      o.logger.warn(`the ${name} hook threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  function dropEvicted(events: QueuedEvent[]): void {
    if (events.length === 0) return;
    acct.drop(
      "queue_full",
      events.length,
      events.map((e) => e.id),
    );
    hook("onSettled", events, "queue_full");
  }

  function reportQueueFull(): void {
    // One onError per episode: an outage must not turn into an error per logged event.
    if (queueFullReported) return;
    queueFullReported = true;
    acct.error(
      new InferlogError(
        "queue_full",
        `The send queue is full (${o.maxQueueSize} events or ${o.maxQueueBytes} bytes); dropping lower-priority events. Is the collector reachable?`,
      ),
    );
  }

  function offer(e: QueuedEvent): boolean {
    const evicted = queue.offer(e);
    if (evicted === false) {
      acct.drop("queue_full", 1, [e.id]);
      reportQueueFull();
      return false;
    }
    if (evicted.length > 0) {
      dropEvicted(evicted);
      reportQueueFull();
    } else queueFullReported = false;
    acct.enqueued++;
    return true;
  }

  function enqueue(r: Prepared): void {
    if (!r.ok) {
      acct.drop(r.reason, 1, r.id ? [r.id] : []);
      if (r.error) acct.error(r.error);
      return;
    }
    const e: QueuedEvent = { seq: ++seq, priority: r.priority, id: r.id, type: r.type, json: r.json, bytes: r.bytes };
    if (offer(e)) hook("onEnqueued", [e]);
  }

  function afterEnqueue(): void {
    if (queue.count === 0) return;
    if (o.flushIntervalMs === 0) uploader.drain(seq);
    else {
      uploader.pump();
      if (timer === undefined && !closed) {
        timer = o.clock.setTimeout(() => {
          timer = undefined;
          uploader.drain(seq);
        }, o.flushIntervalMs);
      }
    }
  }

  /** prepare() is written not to throw; this keeps a bug there from breaking a flush or the host app. */
  function safePrepare(p: PendingEvent): Prepared {
    try {
      return prepare(p, ctx);
    } catch (cause) {
      return {
        ok: false,
        reason: "invalid",
        error: new InferlogError("internal", `Could not prepare a ${p.type} event`, { cause }),
      };
    }
  }

  function processIntake(): void {
    scheduled = false;
    if (intake.length === 0) return;
    const items = intake;
    intake = [];
    for (const p of items) enqueue(safePrepare(p));
    afterEnqueue();
  }

  function accept(type: EventType, input: unknown, predictionId: string | undefined, at: number): void {
    if (closed) {
      acct.drop("after_shutdown", 1);
      return;
    }
    if (o.sampleRate < 1 && predictionId !== undefined && !isSampledIn(predictionId, o.sampleRate)) {
      acct.drop("sampled_out", 1);
      return;
    }
    acct.logged++;
    const p: PendingEvent = { type, input, at, predictionId };
    if (o.strict) {
      const r = prepare(p, ctx);
      if (!r.ok && r.reason === "invalid" && r.error) throw r.error;
      enqueue(r);
      afterEnqueue();
      return;
    }
    intake.push(p);
    if (intake.length >= INTAKE_CHUNK || intake.length + queue.count >= o.maxQueueSize) processIntake();
    else if (!scheduled) {
      scheduled = true;
      queueMicrotask(processIntake);
    }
  }

  /** Logging must never break the host app; in strict mode invalid input is the exception. */
  /**
   * Everything that reads the caller's input runs inside this try: even reading `predictionId`
   * can throw (a getter, a Proxy). `predictionId` is given for predictions (already made).
   */
  function guarded(type: EventType, input: unknown, predictionId?: string, at?: number): void {
    try {
      const linked = predictionId ?? (type === "ml.feature_profile" ? undefined : linkedId(input));
      accept(type, input, linked, at ?? o.clock.now());
    } catch (e) {
      if (o.strict && e instanceof InferlogError) throw e;
      acct.drop("invalid", 1);
      acct.error(
        e instanceof InferlogError ? e : new InferlogError("internal", `Could not log a ${type} event`, { cause: e }),
      );
    }
  }

  const linkedId = (input: unknown): string | undefined => {
    const id = (input as { predictionId?: unknown } | null | undefined)?.predictionId;
    return typeof id === "string" ? id : undefined;
  };

  async function flush(opts?: { timeoutMs?: number }): Promise<FlushResult> {
    processIntake();
    const target = seq;
    const sentBefore = acct.sent;
    const droppedBefore = acct.dropped.total;
    const deadline = o.clock.now() + (opts?.timeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS);
    uploader.flushNow(target);
    while (!uploader.isSettledThrough(target)) {
      const left = deadline - o.clock.now();
      if (left <= 0) break;
      let t: unknown;
      await Promise.race([
        uploader.changed(),
        new Promise<void>((resolve) => {
          t = o.clock.setTimeout(resolve, left);
        }),
      ]);
      o.clock.clearTimeout(t);
    }
    return {
      ok: uploader.isSettledThrough(target),
      sent: acct.sent - sentBefore,
      dropped: acct.dropped.total - droppedBefore,
      pending: queue.count + uploader.inFlightCount,
    };
  }

  return {
    logPrediction(input) {
      let predictionId = "";
      let at: number | undefined;
      try {
        at = o.clock.now();
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
      processIntake();
      closed = true;
      if (timer !== undefined) o.clock.clearTimeout(timer);
      timer = undefined;
      shutdownResult = flush({ timeoutMs: opts?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS }).then((r) => {
        if (r.ok) return r;
        const pending = r.pending;
        uploader.abortAll("shutdown_timeout");
        const rest = queue.drain();
        if (rest.length > 0) {
          acct.drop(
            "shutdown_timeout",
            rest.length,
            rest.map((e) => e.id),
          );
          hook("onSettled", rest, "shutdown_timeout");
        }
        return { ok: false, sent: r.sent, dropped: r.dropped + pending, pending: 0 };
      });
      return shutdownResult;
    },
    sendNow(limits) {
      try {
        processIntake();
        // The batch encoder adds a separator per event and two brackets; keep room for them.
        const events = queue.takeByPriority(limits.maxEvents ?? o.flushAt, limits.maxBytes);
        let body = 2;
        let n = 0;
        for (const e of events) {
          if (body + e.bytes + (n > 0 ? 1 : 0) > limits.maxBytes) break;
          body += e.bytes + (n > 0 ? 1 : 0);
          n++;
        }
        if (n < events.length) queue.requeue(events.slice(n));
        if (n > 0) uploader.startNow(events.slice(0, n));
        return n;
      } catch (e) {
        acct.error(new InferlogError("internal", "Could not send queued events now", { cause: e }));
        return 0;
      }
    },
    stats: () => acct.snapshot(queue.count + intake.length, uploader.inFlightCount, uploader.breaker.state),
    restore(events) {
      try {
        for (const s of events) {
          const e: QueuedEvent = {
            seq: ++seq,
            priority: PRIORITY[s.type] ?? 1,
            id: s.id,
            type: s.type,
            json: s.json,
            bytes: utf8Length(s.json),
          };
          offer(e);
        }
        afterEnqueue();
      } catch (e) {
        acct.error(new InferlogError("internal", "Could not restore persisted events", { cause: e }));
      }
    },
  };
}

export type { DropReason };
