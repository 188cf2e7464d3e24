import { fullJitter } from "./backoff.js";
import type { PendingEvent } from "./build-event.js";
import { createCircuitBreaker } from "./circuit-breaker.js";
import { DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS } from "./defaults.js";
import { InferlogError, TransportError, threw } from "./errors.js";
import { createEventQueue, PRIORITY, type QueuedEvent } from "./event-queue.js";
import type {
  ExposureInput,
  FeatureProfileInput,
  FeaturesInput,
  FeedbackInput,
  OutcomeInput,
  PredictionInput,
} from "./inputs.js";
import { type ClientOptions, resolveOptions } from "./options.js";
import { type PrepareContext, type Prepared, prepare } from "./prepare.js";
import { type AbortControllerLike, createAbortController, queueMicrotask, sleep } from "./runtime.js";
import { isSampledIn } from "./sampling.js";
import type { EventType } from "./schema/events.js";
import { type ClientStats, type DropReason, emptyDropCounts } from "./stats.js";
import type { AbortSignalLike, TransportResult } from "./transport.js";
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

interface Batch {
  events: QueuedEvent[];
  minSeq: number;
  controller: AbortControllerLike;
}

/** Consecutive successes at a reduced batch size before the size doubles back after a 413. */
const RECOVER_AFTER = 8;

/** Pending events are prepared in chunks off the calling path (a microtask later) or at this size. */
const INTAKE_CHUNK = 256;

/**
 * The client with the default validator supplied by the caller: runtime adapters that bring
 * their own (the browser's zod-free `liteValidateEvent`) use this so zod is never bundled.
 */
export function createBaseClient(options: ClientOptions, defaultValidator: EventValidator): Client {
  const o = resolveOptions(options, defaultValidator);
  const { clock, hooks, flushAt, maxBatchBytes } = o;
  // Counters and the user's callbacks. Every drop goes through `drop`, so no path can lose
  // an event without counting it and telling `onDrop`. Key order is the order of `stats()`.
  const c: Omit<ClientStats, "circuit"> = {
    logged: 0,
    enqueued: 0,
    sent: 0,
    retried: 0,
    queued: 0,
    inFlight: 0,
    batchesSent: 0,
    bytesSent: 0,
    dropped: emptyDropCounts(),
  };
  // A throwing callback or hook must not break delivery; say so once per occurrence.
  const safely = <T>(name: string, fn: ((x: T) => void) | undefined, x: T): void => {
    try {
      fn?.(x);
    } catch (e) {
      o.logger.warn(threw(`the ${name} callback`, e));
    }
  };
  const drop = (reason: DropReason, count: number, ids: readonly string[] = []): void => {
    c.dropped[reason] += count;
    c.dropped.total += count;
    safely("onDrop", o.onDrop, { reason, count, ids });
  };
  const error = (e: InferlogError): void => safely("onError", o.onError, e);
  const queue = createEventQueue(o.maxQueueSize, o.maxQueueBytes);
  const ctx: PrepareContext = {
    ...o,
    filter: { allow: o.featureAllow, deny: o.featureDeny },
    validate: o.validator,
  };

  // Delivery: the queue becomes batches (by count, bytes, timer or flush) with at most
  // `maxConcurrency` in flight. A batch leaves the queue when it starts, so two flushes can
  // never send the same events twice.
  const breaker = createCircuitBreaker(o.circuitBreaker, () => clock.now());
  const inFlight = new Set<Batch>();
  let inFlightEvents = 0;
  let batchLimit = flushAt;
  let byteLimit = maxBatchBytes;
  let okStreak = 0;
  /** Everything with seq <= this is due now (a flush or the interval timer asked for it). */
  let drainThrough = -1;
  let waiters: (() => void)[] = [];
  let breakerTimer: unknown;

  function pump(): void {
    while (inFlight.size < o.maxConcurrency && queue.count > 0) {
      if (queue.count < batchLimit && queue.bytes < byteLimit && queue.minSeq() > drainThrough) return;
      const wait = breaker.waitMs();
      if (wait > 0) {
        // Hold events in the queue (bounded, evictable) rather than in flight while the circuit is open.
        breakerTimer ??= clock.setTimeout(() => {
          breakerTimer = undefined;
          pump();
        }, wait);
        return;
      }
      start(queue.take(batchLimit, byteLimit));
    }
  }

  function start(events: QueuedEvent[], now?: boolean): void {
    if (events.length === 0) return;
    let minSeq = Infinity;
    let bytes = 0;
    for (const e of events) {
      minSeq = Math.min(minSeq, e.seq);
      bytes += e.bytes;
    }
    const batch: Batch = { events, minSeq, controller: createAbortController() };
    inFlight.add(batch);
    inFlightEvents += events.length;
    const run = () => deliver(batch, bytes);
    (now || !o.taskQueue ? run() : o.taskQueue.add(run))
      .catch((cause: unknown) => {
        error(new TransportError("The upload task failed", { retryable: false, cause }));
        settle(batch, "retries_exhausted");
      })
      .then(pump);
  }

  /** Waits `ms`, or less if the batch is aborted or (`nudged`) the app flushes (`breaker.nudge`). */
  const wait = (ms: number, signal: AbortSignalLike, nudged: boolean) =>
    sleep(clock, ms, signal, nudged ? breaker.onNudge : undefined);

  /**
   * Sends one batch until it is delivered, refused, or out of attempts or time, and settles it.
   * Every attempt carries the same body and idempotency key.
   */
  async function deliver(batch: Batch, bytes: number) {
    const { events } = batch;
    const { signal } = batch.controller;
    const req = {
      body: o.encoder.encode(events.map((e) => e.json)),
      contentType: o.encoder.contentType,
      eventCount: events.length,
      idempotencyKey: uuidv7(clock.now()),
      signal,
    };
    const startedAt = clock.now();
    for (let n = 1; ; n++) {
      // The breaker's wait ends early when the app flushes (nudge).
      for (let w = breaker.waitMs(); w > 0 && !signal.aborted; w = breaker.waitMs()) await wait(w, signal, true);
      let res: TransportResult | undefined;
      if (!signal.aborted) {
        try {
          res = await o.transport.send({ ...req, attempt: n });
        } catch (cause) {
          // A transport that throws broke its contract; treat it like a network error rather than lose the batch.
          res = { kind: "retry", reason: threw("transport", cause) };
        }
      }
      // Aborted (shutdown's deadline): abortAll has settled the batch already.
      if (!res || signal.aborted) return;
      const { kind } = res;
      // Only attempts that got no HTTP answer at all count toward opening the circuit.
      breaker.record(kind !== "retry" || res.status !== undefined);
      if (kind === "ok") {
        c.batchesSent++;
        c.bytesSent += bytes;
        recover(events.length, bytes);
        // The collector took the batch but refused some events: count those, never resend the rest.
        const rejected = res.rejected ?? [];
        const first = rejected[0];
        const bad = new Set(rejected.map((r) => r.index));
        if (first)
          error(
            new TransportError(
              `Collector rejected ${events.filter((_, i) => bad.has(i)).length} of ${events.length} events (not resent); first: #${first.index}: ${first.reason}`,
              { retryable: false },
            ),
          );
        return settle(batch, "sent", bad);
      }
      if (kind === "too-large") return split(batch, bytes);
      if (kind === "fatal") {
        error(res.error);
        return settle(batch, "rejected");
      }
      const backoff = fullJitter(n, o.minBackoffMs, o.maxBackoffMs, o.random);
      const told = Math.min(res.afterMs ?? 0, o.maxRetryAfterMs);
      const delay = Math.max(backoff, told);
      const elapsed = clock.now() - startedAt;
      if (n >= o.maxAttempts || elapsed + delay > o.maxRetryDurationMs) {
        const why = n >= o.maxAttempts ? `${n} attempts` : `${Math.round(elapsed)} ms of retrying`;
        error(
          new TransportError(`Gave up on a batch of ${events.length} events after ${why}; last error: ${res.reason}`, {
            retryable: true,
            status: res.status,
          }),
        );
        return settle(batch, "retries_exhausted");
      }
      c.retried++;
      // A flush cuts our own backoff short; a server's Retry-After it must honour.
      await wait(delay, signal, !(told > 0 && told >= backoff));
    }
  }

  /** 413: put the events back and send them in halves; the size recovers after RECOVER_AFTER successes. */
  function split(batch: Batch, bytes: number): void {
    const { events, minSeq } = batch;
    const n = events.length;
    if (n === 1) {
      settle(batch, "too_large");
      return;
    }
    // Halving the count guarantees progress; the byte cap only stops the same size from forming again.
    batchLimit = Math.ceil(n / 2);
    byteLimit = Math.max(1, bytes - 1);
    okStreak = 0;
    release(batch);
    queue.requeue(events);
    if (minSeq > drainThrough) drainThrough = (events[n - 1] as QueuedEvent).seq;
  }

  function recover(count: number, bytes: number): void {
    if (batchLimit >= flushAt && byteLimit >= maxBatchBytes) return;
    if (count < batchLimit && bytes < byteLimit / 2) return;
    if (++okStreak < RECOVER_AFTER) return;
    okStreak = 0;
    batchLimit = Math.min(flushAt, batchLimit * 2);
    byteLimit = Math.min(maxBatchBytes, byteLimit * 2);
  }

  function release(batch: Batch): void {
    inFlight.delete(batch);
    inFlightEvents -= batch.events.length;
  }

  function settled(events: readonly QueuedEvent[], outcome: "sent" | DropReason): void {
    if (events.length === 0) return;
    if (outcome === "sent") c.sent += events.length;
    else
      drop(
        outcome,
        events.length,
        events.map((e) => e.id),
      );
    safely("onSettled", (x) => hooks.onSettled?.(x, outcome), events);
  }

  /** Settles a batch as `outcome`, except the events at `refused` (a partial rejection): dropped as `rejected`. */
  function settle(batch: Batch, outcome: "sent" | DropReason, refused?: Set<number>): void {
    if (!inFlight.has(batch)) return;
    release(batch);
    settled(
      batch.events.filter((_, i) => !refused?.has(i)),
      outcome,
    );
    settled(
      batch.events.filter((_, i) => refused?.has(i)),
      "rejected",
    );
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  }

  /**
   * Marks everything up to `seq` as due and starts sending. `nudge` (an explicit flush): batches
   * waiting on our own backoff or an open circuit try again now (a server's Retry-After still holds).
   */
  function drain(seq: number, nudge?: boolean): void {
    if (nudge) breaker.nudge();
    drainThrough = Math.max(drainThrough, seq);
    pump();
  }

  /** True once no event with seq <= `seq` is queued or in flight. */
  const isSettledThrough = (seq: number): boolean =>
    queue.minSeq() > seq && ![...inFlight].some((b) => b.minSeq <= seq);

  /** Stops everything in flight; their events are dropped as `reason`. */
  function abortAll(reason: DropReason): void {
    for (const b of inFlight) {
      b.controller.abort();
      settle(b, reason);
    }
    if (breakerTimer !== undefined) clock.clearTimeout(breakerTimer);
    breakerTimer = undefined;
  }

  let intake: PendingEvent[] = [];
  let scheduled = false;
  let seq = 0;
  let closed = false;
  let timer: unknown;
  let queueFullReported = false;
  let shutdownResult: Promise<FlushResult> | undefined;

  const internal = (what: string, cause: unknown) => new InferlogError("internal", `Could not ${what}`, { cause });

  /** Queues `e`; tells the `onEnqueued` hook unless the event is a restored one (`restored`). */
  function offer(e: QueuedEvent, restored?: boolean): void {
    const evicted = queue.offer(e);
    if (evicted && evicted.length === 0) queueFullReported = false;
    else {
      if (evicted) settled(evicted, "queue_full");
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
    if (!evicted) return;
    c.enqueued++;
    if (!restored) safely("onEnqueued", hooks.onEnqueued, [e]);
  }

  function enqueue(r: Prepared): void {
    if (r.ok) offer({ seq: ++seq, priority: r.priority, id: r.id, type: r.type, json: r.json, bytes: r.bytes });
    else {
      drop(r.reason, 1, r.id ? [r.id] : []);
      if (r.error) error(r.error);
    }
  }

  function afterEnqueue(): void {
    if (queue.count === 0) return;
    if (o.flushIntervalMs === 0) drain(seq);
    else pump();
    if (o.flushIntervalMs > 0 && timer === undefined && !closed) {
      timer = clock.setTimeout(() => {
        timer = undefined;
        drain(seq);
      }, o.flushIntervalMs);
    }
  }

  function processIntake(): void {
    scheduled = false;
    if (intake.length === 0) return;
    const items = intake;
    intake = [];
    for (const p of items) {
      // prepare() is written not to throw; this keeps a bug there from breaking a flush or the host app.
      try {
        enqueue(prepare(p, ctx));
      } catch (cause) {
        enqueue({ ok: false, reason: "invalid", error: internal(`prepare a ${p.type} event`, cause) });
      }
    }
    afterEnqueue();
  }

  /**
   * Logging must never break the host app; in strict mode invalid input is the exception.
   * Everything that reads the caller's input runs inside this try: even reading `predictionId`
   * can throw (a getter, a Proxy). `predictionId` is given for predictions (already made).
   */
  function guarded(type: EventType, input: unknown, predictionId?: string, at?: number): void {
    try {
      predictionId ??= type === "ml.feature_profile" ? undefined : linkedId(input);
      const dropped = closed
        ? "after_shutdown"
        : o.sampleRate < 1 && predictionId !== undefined && !isSampledIn(predictionId, o.sampleRate)
          ? "sampled_out"
          : undefined;
      if (dropped) {
        drop(dropped, 1);
        return;
      }
      c.logged++;
      const p: PendingEvent = { type, input, at: at ?? clock.now(), predictionId };
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
    } catch (e) {
      const known = e instanceof InferlogError;
      if (o.strict && known) throw e;
      drop("invalid", 1);
      error(known ? e : internal(`log a ${type} event`, e));
    }
  }

  const linkedId = (input: unknown): string | undefined => {
    const id = (input as { predictionId?: unknown } | null | undefined)?.predictionId;
    return typeof id === "string" ? id : undefined;
  };

  async function flush(opts?: { timeoutMs?: number }): Promise<FlushResult> {
    processIntake();
    const target = seq;
    const sentBefore = c.sent;
    const droppedBefore = c.dropped.total;
    const deadline = clock.now() + (opts?.timeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS);
    drain(target, true);
    while (!isSettledThrough(target)) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      let t: unknown;
      // Until the next batch settlement (or drop), or the deadline.
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        t = clock.setTimeout(resolve, left);
      });
      clock.clearTimeout(t);
    }
    return {
      ok: isSettledThrough(target),
      sent: c.sent - sentBefore,
      dropped: c.dropped.total - droppedBefore,
      pending: queue.count + inFlightEvents,
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
      processIntake();
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      shutdownResult = flush({ timeoutMs: opts?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS }).then((r) => {
        if (r.ok) return r;
        abortAll("shutdown_timeout");
        settled(queue.take(Infinity, Infinity), "shutdown_timeout");
        return { ok: false, sent: r.sent, dropped: r.dropped + r.pending, pending: 0 };
      });
      return shutdownResult;
    },
    sendNow(limits) {
      try {
        processIntake();
        // The batch encoder adds a separator per event and two brackets; keep room for them.
        const events = queue.take(limits.maxEvents ?? o.flushAt, limits.maxBytes, true);
        let body = 1;
        let n = 0;
        for (const e of events) {
          body += e.bytes + 1;
          if (body > limits.maxBytes) break;
          n++;
        }
        queue.requeue(events.slice(n));
        start(events.slice(0, n), true);
        return n;
      } catch (e) {
        error(internal("send queued events now", e));
        return 0;
      }
    },
    stats: () => ({
      ...c,
      queued: queue.count + intake.length,
      inFlight: inFlightEvents,
      dropped: { ...c.dropped },
      circuit: breaker.state(),
    }),
    restore(events) {
      try {
        for (const s of events)
          offer(
            {
              seq: ++seq,
              priority: PRIORITY[s.type] ?? 1,
              id: s.id,
              type: s.type,
              json: s.json,
              bytes: utf8Length(s.json),
            },
            true,
          );
        afterEnqueue();
      } catch (e) {
        error(internal("restore persisted events", e));
      }
    },
  };
}

export type { DropReason };
