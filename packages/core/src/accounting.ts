import type { InferlogError } from "./errors.js";
import type { DropInfo } from "./options.js";
import { type ClientStats, type DropReason, emptyDropCounts } from "./stats.js";

/**
 * Counters and the user's callbacks. Every drop goes through `drop`, so no path
 * can lose an event without counting it and telling `onDrop`.
 */
export class Accounting {
  logged = 0;
  enqueued = 0;
  sent = 0;
  retried = 0;
  batchesSent = 0;
  bytesSent = 0;
  readonly dropped = emptyDropCounts();

  constructor(
    private readonly cb: {
      onError: ((e: InferlogError) => void) | undefined;
      onDrop: ((info: DropInfo) => void) | undefined;
      warn: (message: string) => void;
    },
  ) {}

  drop(reason: DropReason, count: number, ids: readonly string[] = []): void {
    if (count <= 0) return;
    this.dropped[reason] += count;
    this.dropped.total += count;
    if (this.cb.onDrop) this.safely(() => this.cb.onDrop?.({ reason, count, ids }));
  }

  error(e: InferlogError): void {
    if (this.cb.onError) this.safely(() => this.cb.onError?.(e));
  }

  snapshot(queued: number, inFlight: number, circuit: ClientStats["circuit"]): ClientStats {
    return {
      logged: this.logged,
      enqueued: this.enqueued,
      sent: this.sent,
      retried: this.retried,
      queued,
      inFlight,
      batchesSent: this.batchesSent,
      bytesSent: this.bytesSent,
      dropped: { ...this.dropped },
      circuit,
    };
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // A throwing callback must not break delivery; say so once per occurrence.
      this.cb.warn(`an onError/onDrop callback threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
