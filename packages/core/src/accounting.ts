import type { InferlogError } from "./errors.js";
import type { DropInfo } from "./options.js";
import { type ClientStats, type DropReason, emptyDropCounts } from "./stats.js";

export type Counters = Omit<ClientStats, "circuit">;

/**
 * Counters and the user's callbacks. Every drop goes through `drop`, so no path
 * can lose an event without counting it and telling `onDrop`.
 */
export interface Accounting {
  counts: Counters;
  drop(reason: DropReason, count: number, ids?: readonly string[]): void;
  error(e: InferlogError): void;
}

/** "what threw: its message" for warnings about a throwing callback; never throws itself. */
export const threw = (what: string, e: unknown): string =>
  `${what} threw: ${e instanceof Error ? e.message : String(e)}`;

export function createAccounting(
  onError: ((e: InferlogError) => void) | undefined,
  onDrop: ((info: DropInfo) => void) | undefined,
  warn: (message: string) => void,
): Accounting {
  // Key order is the order of `stats()`; queued and inFlight are filled in by the snapshot.
  const counts: Counters = {
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
  // A throwing callback must not break delivery; say so once per occurrence.
  const safely = <T>(fn: ((x: T) => void) | undefined, x: T): void => {
    try {
      fn?.(x);
    } catch (e) {
      warn(threw("an onError/onDrop callback", e));
    }
  };
  return {
    counts,
    drop(reason, count, ids = []) {
      if (count <= 0) return;
      counts.dropped[reason] += count;
      counts.dropped.total += count;
      safely(onDrop, { reason, count, ids });
    },
    error: (e) => safely(onError, e),
  };
}
