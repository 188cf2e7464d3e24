import type { Accounting } from "./accounting.js";
import { fullJitter } from "./backoff.js";
import { createCircuitBreaker } from "./circuit-breaker.js";
import { TransportError, threw } from "./errors.js";
import type { EventQueue, QueuedEvent } from "./event-queue.js";
import type { ResolvedOptions } from "./options.js";
import { type AbortControllerLike, createAbortController, sleep } from "./runtime.js";
import type { ClientStats, DropReason } from "./stats.js";
import type { TransportResult } from "./transport.js";
import { uuidv7 } from "./uuidv7.js";

/** Turns the queue into batches and ships them: concurrency, retries, the circuit breaker, 413 halving. */
export interface Delivery {
  /** Starts batches while fewer than `maxConcurrency` are in flight and a batch is due. */
  pump(): void;
  /** Starts one request with `events` now (`now`: bypassing the task queue, for page close). */
  start(events: QueuedEvent[], now?: boolean): void;
  /** Marks everything up to `seq` as due and starts sending; `nudge` (an explicit flush) cuts waits short. */
  drain(seq: number, nudge?: boolean): void;
  /** True once no event with seq <= `seq` is queued or in flight. */
  settledThrough(seq: number): boolean;
  /** Resolves when a batch settles, or after `ms`. */
  settlement(ms: number): Promise<void>;
  /** Stops everything in flight; their events are dropped as `reason`. */
  abortAll(reason: DropReason): void;
  /** Events in batches being sent or waiting to retry. */
  inFlight(): number;
  circuit(): ClientStats["circuit"];
}

interface Batch {
  events: QueuedEvent[];
  minSeq: number;
  controller: AbortControllerLike;
}

/** Consecutive successes at a reduced batch size before the size doubles back after a 413. */
const RECOVER_AFTER = 8;

/**
 * A batch leaves the queue when it starts, so two flushes can never send the same events twice.
 * Batches form by count, bytes, the interval timer or a flush, with at most `maxConcurrency` in flight.
 */
export function createDelivery(o: ResolvedOptions, queue: EventQueue, acct: Accounting): Delivery {
  const { clock, flushAt, maxBatchBytes } = o;
  const { c, error, settled } = acct;
  const breaker = createCircuitBreaker(o.circuitBreaker, () => clock.now());
  /** Batches being sent or waiting to retry. */
  const sending = new Set<Batch>();
  let batchLimit = flushAt;
  let byteLimit = maxBatchBytes;
  let okStreak = 0;
  /** Everything with seq <= this is due now (a flush or the interval timer asked for it). */
  let drainThrough = -1;
  /** Wake-ups of `settlement` calls, called when a batch settles. */
  const waiters = new Set<() => void>();
  let breakerTimer: unknown;

  function pump(): void {
    while (sending.size < o.maxConcurrency && queue.count > 0) {
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
    sending.add(batch);
    const run = () => deliver(batch, bytes);
    (now || !o.taskQueue ? run() : o.taskQueue.add(run))
      .catch((cause: unknown) => {
        error(new TransportError("The upload task failed", { retryable: false, cause }));
        settle(batch, "retries_exhausted");
      })
      .then(pump);
  }

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
      // Waits end early when the batch is aborted; the breaker's also when the app flushes (nudge).
      for (let w = breaker.waitMs(); w > 0 && !signal.aborted; w = breaker.waitMs())
        await sleep(clock, w, signal, breaker.onNudge);
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
        // After a 413 the limits double back after RECOVER_AFTER successes with batches near them.
        if (
          (batchLimit < flushAt || byteLimit < maxBatchBytes) &&
          (events.length >= batchLimit || bytes >= byteLimit / 2) &&
          ++okStreak >= RECOVER_AFTER
        ) {
          okStreak = 0;
          batchLimit = Math.min(flushAt, batchLimit * 2);
          byteLimit = Math.min(maxBatchBytes, byteLimit * 2);
        }
        // The collector took the batch but refused some events: count those, never resend the rest.
        // The message names the first refused event by id (its ids all reach onDrop).
        const rejected = res.rejected ?? [];
        const first = rejected[0];
        const bad = new Set(rejected.map((r) => r.index));
        if (first)
          error(
            new TransportError(
              `Collector rejected ${events.filter((_, i) => bad.has(i)).length} of ${events.length} events (not resent); first: event ${events[first.index]?.id}: ${first.reason}`,
              { retryable: false },
            ),
          );
        return settle(batch, "sent", bad);
      }
      if (kind === "too-large") {
        // 413: put the events back and send them in halves; the size recovers after RECOVER_AFTER successes.
        const n = events.length;
        if (n === 1) return settle(batch, "too_large");
        // Halving the count guarantees progress; the byte cap only stops the same size from forming again.
        batchLimit = Math.ceil(n / 2);
        byteLimit = Math.max(1, bytes - 1);
        okStreak = 0;
        sending.delete(batch);
        queue.requeue(events);
        if (batch.minSeq > drainThrough) drainThrough = (events[n - 1] as QueuedEvent).seq;
        return;
      }
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
      await sleep(clock, delay, signal, told > 0 && told >= backoff ? undefined : breaker.onNudge);
    }
  }

  /** Settles a batch as `outcome`, except the events at `refused` (a partial rejection): dropped as `rejected`. */
  function settle(batch: Batch, outcome: "sent" | DropReason, refused?: Set<number>): void {
    if (!sending.delete(batch)) return;
    settled(
      batch.events.filter((_, i) => !refused?.has(i)),
      outcome,
    );
    settled(
      batch.events.filter((_, i) => refused?.has(i)),
      "rejected",
    );
    for (const wake of [...waiters]) wake();
  }

  return {
    pump,
    start,
    drain(seq, nudge) {
      if (nudge) breaker.nudge();
      drainThrough = Math.max(drainThrough, seq);
      pump();
    },
    settledThrough: (seq) => queue.minSeq() > seq && ![...sending].some((b) => b.minSeq <= seq),
    settlement: (ms) =>
      sleep(clock, ms, undefined, (wake) => {
        waiters.add(wake);
        return () => waiters.delete(wake);
      }),
    abortAll(reason) {
      for (const b of sending) {
        b.controller.abort();
        settle(b, reason);
      }
      if (breakerTimer !== undefined) clock.clearTimeout(breakerTimer);
      breakerTimer = undefined;
    },
    inFlight() {
      let n = 0;
      for (const b of sending) n += b.events.length;
      return n;
    },
    circuit: breaker.state,
  };
}
