import type { Accounting } from "./accounting.js";
import { createBatchSizing } from "./batch-sizing.js";
import { createCircuitBreaker, type Permit } from "./circuit-breaker.js";
import { TransportError, threw } from "./errors.js";
import type { EventQueue, QueuedEvent } from "./event-queue.js";
import type { ResolvedOptions } from "./options.js";
import { nextRetry } from "./retry-policy.js";
import { type AbortControllerLike, createAbortController, sleep } from "./runtime.js";
import type { ClientStats, DropReason } from "./stats.js";
import type { RejectedEvent, TransportResult } from "./transport.js";
import { uuidv7 } from "./uuidv7.js";

/**
 * Turns the queue into batches and ships them, with at most `maxConcurrency` in flight. Its parts,
 * each in its own file: `circuit-breaker.ts` (when a request may go out), `retry-policy.ts` (how
 * long to wait after a failure, when to give up), `batch-sizing.ts` (413 halving and regrowth),
 * `event-queue.ts` (what is waiting). This file only wires them to the transport and the counters.
 */
export interface Delivery {
  /** Starts batches while fewer than `maxConcurrency` are in flight and a batch is due. */
  _pump(): void;
  /** Marks everything up to `seq` as due (the interval timer) and starts sending. */
  _drain(seq: number): void;
  /** As `_drain`, for an explicit flush: also cuts our own waits short (backoff, cooldown). */
  _flushThrough(seq: number): void;
  /**
   * Page close: starts one request at once, bypassing the task queue and the circuit breaker, with
   * the most valuable queued events whose encoded body fits `maxBytes`, those not on disk first
   * (`hooks.isPersisted`). Returns how many it took.
   */
  _sendNow(maxBytes: number, maxEvents: number): number;
  /** True once no event with seq <= `seq` is queued or in flight. */
  _settledThrough(seq: number): boolean;
  /** Resolves when a batch settles, or after `ms`. */
  _settlement(ms: number): Promise<void>;
  /** Stops everything in flight; their events are dropped as `reason`. */
  _abortAll(reason: DropReason): void;
  /** Events in batches being sent or waiting to retry. */
  inFlight(): number;
  circuit(): ClientStats["circuit"];
}

interface Batch {
  _events: QueuedEvent[];
  _minSeq: number;
  _controller: AbortControllerLike;
}

/** The close-time request's permit: not a probe, and its failure says nothing the breaker counts. */
const UNCOUNTED: Permit = { _probe: false, _opened: -1 };

/**
 * A batch leaves the queue when it starts, so two flushes can never send the same events twice.
 * Batches form by count, bytes, the interval timer or a flush.
 */
export function createDelivery(options: ResolvedOptions, queue: EventQueue, accounting: Accounting): Delivery {
  const { clock, encoder } = options;
  const { c: counters, error, _settled: settled, _say: say } = accounting;
  const breaker = createCircuitBreaker(options.circuitBreaker, () => clock.now());
  const sizing = createBatchSizing(options.flushAt, options.maxBatchBytes);
  /** Batches being sent or waiting to retry. */
  const sending = new Set<Batch>();
  /** Batches sleeping a backoff of ours after a failure. */
  let backingOff = 0;
  /** Everything with seq <= this is due now (a flush or the interval timer asked for it). */
  let drainThrough = -1;
  /** Wake-ups of `_settlement` calls, called when a batch settles. */
  const waiters = new Set<() => void>();
  /** While the circuit holds batches back: the timer that tries again. A probe's batch pumps when it settles. */
  let breakerTimer: unknown;

  function pump(): void {
    while (sending.size < options.maxConcurrency && queue.count > 0) {
      if (queue.count < sizing._count() && queue.bytes < sizing._bytes() && queue._minSeq() > drainThrough) return;
      // Hold events in the queue (bounded, evictable) rather than in flight while the circuit is not closed:
      // in half-open a batch already in flight carries the probe.
      const circuit = breaker.state();
      if (circuit === "open" || (circuit === "half-open" && sending.size > 0)) {
        // Waiting on a probe: its batch pumps when it settles; the timer is a backstop.
        breakerTimer ??= clock.setTimeout(() => {
          breakerTimer = undefined;
          pump();
        }, breaker._waitMs());
        return;
      }
      launch(queue._takeOldest(sizing._count(), sizing._bytes()), undefined);
    }
  }

  /** Starts a batch; `closeBody` (page close) is its encoded body, sent at once whatever the breaker says. */
  function launch(events: QueuedEvent[], closeBody: string | undefined): void {
    if (events.length === 0) return;
    let minSeq = Infinity;
    for (const event of events) minSeq = Math.min(minSeq, event.seq);
    const batch: Batch = { _events: events, _minSeq: minSeq, _controller: createAbortController() };
    sending.add(batch);
    const run = () => deliver(batch, closeBody);
    (closeBody !== undefined || !options.taskQueue ? run() : options.taskQueue.add(run))
      .catch((cause: unknown) => {
        error(new TransportError("The upload task failed", { retryable: false, cause }));
        settle(batch, "retries_exhausted");
      })
      .then(pump);
  }

  /** Waits until the breaker gives leave for an attempt; `undefined` when the batch was aborted meanwhile. */
  async function permission(batch: Batch): Promise<Permit | undefined> {
    const { signal } = batch._controller;
    for (;;) {
      if (signal.aborted) return undefined;
      const permit = breaker._begin();
      if (permit) return permit;
      // Waiting on a probe: its result wakes us.
      await sleep(clock, breaker._waitMs(), signal, breaker._onWake);
    }
  }

  /**
   * Sends one batch until it is delivered, refused, or out of attempts or time, and settles it.
   * Every attempt carries the same body and idempotency key. A close-time batch (`closeBody`)
   * makes its first attempt without asking the breaker.
   */
  async function deliver(batch: Batch, closeBody: string | undefined): Promise<void> {
    const { _events: events } = batch;
    const { signal } = batch._controller;
    let bytes = 0;
    for (const event of events) bytes += event.bytes;
    const request = {
      body: closeBody ?? encoder.encode(events.map((event) => event.json)),
      contentType: encoder.contentType,
      eventCount: events.length,
      idempotencyKey: uuidv7(clock.now()),
      signal,
    };
    const startedAt = clock.now();
    for (let attempt = 1; ; attempt++) {
      const permit = attempt === 1 && closeBody !== undefined ? UNCOUNTED : await permission(batch);
      // Aborted (shutdown's deadline): _abortAll has settled the batch already.
      if (!permit) return;
      let result: TransportResult;
      try {
        result = await options.transport.send({ ...request, attempt });
      } catch (cause) {
        // A transport that throws broke its contract; treat it like a network error rather than lose the batch.
        result = { kind: "retry", reason: threw("transport", cause) };
      }
      // Only attempts that got no HTTP answer at all count toward opening the circuit.
      breaker._end(permit, signal.aborted ? undefined : result.kind !== "retry" || result.status !== undefined);
      if (signal.aborted) return;
      if (result.kind === "ok") return delivered(batch, bytes, result.rejected ?? [], result.warnings ?? []);
      if (result.kind === "too-large") return tooLarge(batch, bytes);
      if (result.kind === "fatal") {
        error(result.error);
        return settle(batch, "rejected");
      }
      const decision = nextRetry(options, result.afterMs, attempt, clock.now() - startedAt);
      if (!decision._retry) {
        error(
          new TransportError(
            `Gave up on a batch of ${events.length} events after ${decision._why}; last error: ${result.reason}`,
            { retryable: true, status: result.status },
          ),
        );
        return settle(batch, "retries_exhausted");
      }
      counters.retried++;
      // A flush, or another batch getting through, cuts our own backoff short; a server's Retry-After it must honour.
      backingOff++;
      await sleep(clock, decision._waitMs, signal, decision._serverWait ? undefined : breaker._onWake);
      backingOff--;
    }
  }

  function delivered(
    batch: Batch,
    bytes: number,
    rejected: readonly RejectedEvent[],
    warnings: readonly RejectedEvent[],
  ): void {
    const { _events: events } = batch;
    counters.batchesSent++;
    counters.bytesSent += bytes;
    sizing._delivered(events.length, bytes);
    // The collector is taking batches again: batches sleeping a backoff of ours try now.
    if (backingOff > 0) breaker._nudge();
    // The collector took the batch but refused some events: count those, never resend the rest.
    // The message names the first refused event by id (its ids all reach onDrop).
    const first = rejected[0];
    const refused = new Set(rejected.map((row) => row.index));
    if (first)
      error(
        new TransportError(
          `Collector rejected ${events.filter((_, index) => refused.has(index)).length} of ${events.length} events (not resent); first: event ${events[first.index]?.id}: ${first.reason}`,
          { retryable: false },
        ),
      );
    // Taken, with a word for the app (fields the collector left out): once per reason, naming one event.
    for (const { index, reason } of warnings)
      say(`collector:${reason}`, `Collector: ${reason} (event ${events[index]?.id}; said once)`);
    settle(batch, "sent", refused);
  }

  /** 413: the events go back to the queue and leave again in smaller batches; one event alone is dropped. */
  function tooLarge(batch: Batch, bytes: number): void {
    const { _events: events } = batch;
    if (events.length === 1) {
      settle(batch, "too_large");
      return;
    }
    sizing._tooLarge(events.length, bytes);
    sending.delete(batch);
    queue._putBack(events);
    if (batch._minSeq > drainThrough) drainThrough = (events[events.length - 1] as QueuedEvent).seq;
  }

  /** Settles a batch as `outcome`, except the events at `refused` (a partial rejection): dropped as `rejected`. */
  function settle(batch: Batch, outcome: "sent" | DropReason, refused?: Set<number>): void {
    if (!sending.delete(batch)) return;
    settled(
      batch._events.filter((_, index) => !refused?.has(index)),
      outcome,
    );
    settled(
      batch._events.filter((_, index) => refused?.has(index)),
      "rejected",
    );
    for (const wake of [...waiters]) wake();
  }

  function drain(seq: number): void {
    drainThrough = Math.max(drainThrough, seq);
    pump();
  }

  /** What one event adds to an encoded batch, as the encoder counts it (its JSON and a separator by default). */
  const cost = (event: QueuedEvent): number => encoder.eventBytes?.(event.json, event.bytes) ?? event.bytes + 1;

  return {
    _pump: pump,
    _drain: drain,
    _flushThrough(seq) {
      breaker._nudge();
      drain(seq);
    },
    _sendNow(maxBytes, maxEvents) {
      const events = queue._takeMostValuable(
        maxEvents,
        maxBytes - (encoder.batchBytes ?? 1),
        cost,
        options.hooks.isPersisted,
      );
      launch(events, encoder.encode(events.map((event) => event.json)));
      return events.length;
    },
    _settledThrough: (seq) => queue._minSeq() > seq && ![...sending].some((batch) => batch._minSeq <= seq),
    _settlement: (ms) =>
      sleep(clock, ms, undefined, (wake) => {
        waiters.add(wake);
        return () => waiters.delete(wake);
      }),
    _abortAll(reason) {
      for (const batch of sending) {
        batch._controller.abort();
        settle(batch, reason);
      }
      if (breakerTimer !== undefined) clock.clearTimeout(breakerTimer);
      breakerTimer = undefined;
    },
    inFlight() {
      let count = 0;
      for (const batch of sending) count += batch._events.length;
      return count;
    },
    circuit: breaker.state,
  };
}
