import type { Accounting } from "./accounting.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { type DeliveryOutcome, deliver } from "./deliver.js";
import { TransportError } from "./errors.js";
import type { EventQueue, QueuedEvent } from "./event-queue.js";
import type { ResolvedOptions } from "./options.js";
import { type AbortControllerLike, createAbortController } from "./runtime.js";
import type { DropReason } from "./stats.js";
import { uuidv7 } from "./uuidv7.js";

interface Batch {
  events: QueuedEvent[];
  minSeq: number;
  controller: AbortControllerLike;
  settled: boolean;
}

/** Consecutive successes at a reduced batch size before the size doubles back after a 413. */
const RECOVER_AFTER = 8;

/**
 * Turns the queue into batches and ships them: by count, bytes, timer or flush,
 * with at most `maxConcurrency` batches in flight. A batch leaves the queue when it
 * starts, so two flushes can never send the same events twice.
 */
export class Uploader {
  readonly breaker: CircuitBreaker;
  private readonly inFlight = new Set<Batch>();
  private inFlightEvents = 0;
  private batchLimit: number;
  private byteLimit: number;
  private okStreak = 0;
  /** Everything with seq <= this is due now (a flush or the interval timer asked for it). */
  private drainThrough = -1;
  private waiters: (() => void)[] = [];
  private breakerTimer: unknown = undefined;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly queue: EventQueue,
    private readonly acct: Accounting,
  ) {
    this.breaker = new CircuitBreaker(o.circuitBreaker, () => o.clock.now());
    this.batchLimit = o.flushAt;
    this.byteLimit = o.maxBatchBytes;
  }

  get inFlightCount(): number {
    return this.inFlightEvents;
  }

  /** Marks everything up to `seq` as due and starts sending. */
  drain(seq: number): void {
    if (seq > this.drainThrough) this.drainThrough = seq;
    this.pump();
  }

  /**
   * An explicit flush: like `drain`, and batches waiting on our own backoff or an open circuit
   * try again now instead of after the wait (a server's Retry-After still holds).
   */
  flushNow(seq: number): void {
    this.breaker.nudge();
    this.drain(seq);
  }

  /** Starts batches while there is room in flight and something is due. */
  pump(): void {
    while (this.inFlight.size < this.o.maxConcurrency && this.queue.count > 0) {
      const due =
        this.queue.count >= this.batchLimit ||
        this.queue.bytes >= this.byteLimit ||
        this.queue.minSeq() <= this.drainThrough;
      if (!due) return;
      const wait = this.breaker.waitMs();
      if (wait > 0) {
        // Hold events in the queue (bounded, evictable) rather than in flight while the circuit is open.
        if (this.breakerTimer === undefined) {
          this.breakerTimer = this.o.clock.setTimeout(() => {
            this.breakerTimer = undefined;
            this.pump();
          }, wait);
        }
        return;
      }
      this.start(this.queue.take(this.batchLimit, this.byteLimit));
    }
  }

  /** True once no event with seq <= `seq` is queued or in flight. */
  isSettledThrough(seq: number): boolean {
    if (this.queue.minSeq() <= seq) return false;
    for (const b of this.inFlight) if (b.minSeq <= seq) return false;
    return true;
  }

  /** Resolves on the next batch settlement (or drop), for flush loops. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  /** Stops everything in flight; their events are dropped as `reason`. */
  abortAll(reason: DropReason): void {
    for (const b of this.inFlight) {
      b.controller.abort();
      this.settle(b, reason);
    }
    if (this.breakerTimer !== undefined) this.o.clock.clearTimeout(this.breakerTimer);
    this.breakerTimer = undefined;
  }

  /**
   * Starts one batch now, outside `maxConcurrency` and the task queue: at page close the
   * request must begin before the handler returns, not after a batch that may hang.
   */
  startNow(events: QueuedEvent[]): void {
    this.start(events, true);
  }

  private start(events: QueuedEvent[], now = false): void {
    if (events.length === 0) return;
    let minSeq = Number.POSITIVE_INFINITY;
    let bytes = 0;
    const json: string[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as QueuedEvent;
      if (e.seq < minSeq) minSeq = e.seq;
      bytes += e.bytes;
      json[i] = e.json;
    }
    const batch: Batch = { events, minSeq, controller: createAbortController(), settled: false };
    this.inFlight.add(batch);
    this.inFlightEvents += events.length;
    const body = this.o.encoder.encode(json);
    const request = {
      body,
      contentType: this.o.encoder.contentType,
      eventCount: events.length,
      idempotencyKey: uuidv7(this.o.clock.now()),
      signal: batch.controller.signal,
    };
    const deps = {
      transport: this.o.transport,
      clock: this.o.clock,
      random: this.o.random,
      breaker: this.breaker,
      policy: this.o,
      onRetry: () => this.acct.retried++,
    };
    const run = () => deliver(deps, request);
    (now ? run() : this.o.taskQueue.add(run)).then(
      (outcome) => this.finish(batch, outcome, bytes),
      (cause: unknown) =>
        this.finish(
          batch,
          {
            kind: "retries-exhausted",
            error: new TransportError("The upload task failed", { retryable: false, cause }),
          },
          bytes,
        ),
    );
  }

  private finish(batch: Batch, outcome: DeliveryOutcome, bytes: number): void {
    if (batch.settled) return;
    switch (outcome.kind) {
      case "sent":
        this.acct.batchesSent++;
        this.acct.bytesSent += bytes;
        this.recover(batch.events.length, bytes);
        if (outcome.rejected.length > 0) this.partial(batch, outcome.rejected);
        else this.settle(batch, "sent");
        break;
      case "too-large":
        this.split(batch, bytes);
        break;
      case "rejected":
        this.acct.error(outcome.error);
        this.settle(batch, "rejected");
        break;
      case "retries-exhausted":
        this.acct.error(outcome.error);
        this.settle(batch, "retries_exhausted");
        break;
      case "aborted":
        this.settle(batch, "shutdown_timeout");
        break;
    }
    this.pump();
  }

  /** The collector took the batch but refused some events: count those, never resend the rest. */
  private partial(batch: Batch, rejected: readonly { index: number; reason: string }[]): void {
    const bad = new Set<number>();
    for (const r of rejected) if (r.index >= 0 && r.index < batch.events.length) bad.add(r.index);
    const refused = batch.events.filter((_, i) => bad.has(i));
    const kept = batch.events.filter((_, i) => !bad.has(i));
    const first = rejected[0];
    this.acct.error(
      new TransportError(
        `Collector rejected ${refused.length} of ${batch.events.length} events (not resent); first: #${first?.index}: ${first?.reason}`,
        { retryable: false },
      ),
    );
    this.finalize(batch, [
      [kept, "sent"],
      [refused, "rejected"],
    ]);
  }

  /** 413: put the events back and send them in halves; the size recovers after RECOVER_AFTER successes. */
  private split(batch: Batch, bytes: number): void {
    const n = batch.events.length;
    if (n === 1) {
      this.settle(batch, "too_large");
      return;
    }
    // Halving the count guarantees progress; the byte cap only stops the same size from forming again.
    this.batchLimit = Math.max(1, Math.ceil(n / 2));
    this.byteLimit = Math.max(1, bytes - 1);
    this.okStreak = 0;
    this.release(batch);
    this.queue.requeue(batch.events);
    if (batch.minSeq > this.drainThrough) this.drainThrough = batch.events[n - 1]?.seq ?? this.drainThrough;
  }

  private recover(count: number, bytes: number): void {
    if (this.batchLimit >= this.o.flushAt && this.byteLimit >= this.o.maxBatchBytes) return;
    if (count < this.batchLimit && bytes < this.byteLimit / 2) return;
    if (++this.okStreak < RECOVER_AFTER) return;
    this.okStreak = 0;
    this.batchLimit = Math.min(this.o.flushAt, this.batchLimit * 2);
    this.byteLimit = Math.min(this.o.maxBatchBytes, this.byteLimit * 2);
  }

  private settle(batch: Batch, outcome: "sent" | DropReason): void {
    this.finalize(batch, [[batch.events, outcome]]);
  }

  private finalize(batch: Batch, parts: [QueuedEvent[], "sent" | DropReason][]): void {
    if (batch.settled) return;
    this.release(batch);
    for (const [events, outcome] of parts) {
      if (events.length === 0) continue;
      if (outcome === "sent") this.acct.sent += events.length;
      else
        this.acct.drop(
          outcome,
          events.length,
          events.map((e) => e.id),
        );
      if (this.o.hooks.onSettled) {
        try {
          this.o.hooks.onSettled(events, outcome);
        } catch (e) {
          this.o.logger.warn(`an onSettled hook threw: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    this.notify();
  }

  private release(batch: Batch): void {
    batch.settled = true;
    this.inFlight.delete(batch);
    this.inFlightEvents -= batch.events.length;
  }
}
