/** Consecutive successes near the reduced size before the size doubles back after a 413. */
export const RECOVER_AFTER = 8;

/**
 * How big the next batch may be. A 413 halves the count (which guarantees progress) and caps the
 * bytes just under the refused batch (so the same size cannot form again); after `RECOVER_AFTER`
 * successes with batches near the reduced limits, both double back toward the configured ones.
 */
export interface BatchSizing {
  /** Events per batch now. */
  _count(): number;
  /** Bytes per batch now. */
  _bytes(): number;
  /** The collector refused a batch of `count` events and `bytes` bytes as too large. */
  _tooLarge(count: number, bytes: number): void;
  /** The collector took a batch of `count` events and `bytes` bytes. */
  _delivered(count: number, bytes: number): void;
}

export function createBatchSizing(maxCount: number, maxBytes: number): BatchSizing {
  let countLimit = maxCount;
  let byteLimit = maxBytes;
  let okStreak = 0;
  return {
    _count: () => countLimit,
    _bytes: () => byteLimit,
    _tooLarge(count, bytes) {
      countLimit = Math.ceil(count / 2);
      byteLimit = Math.max(1, bytes - 1);
      okStreak = 0;
    },
    _delivered(count, bytes) {
      const reduced = countLimit < maxCount || byteLimit < maxBytes;
      if (!reduced || (count < countLimit && bytes < byteLimit / 2) || ++okStreak < RECOVER_AFTER) return;
      okStreak = 0;
      countLimit = Math.min(maxCount, countLimit * 2);
      byteLimit = Math.min(maxBytes, byteLimit * 2);
    },
  };
}

/** A batch grows to what the recent delivery rate fills in this time (so growth adds ~this much wait). */
export const ADAPTIVE_FILL_MS = 50;
/** The delivery rate is measured over windows at least this long. */
export const RATE_WINDOW_MS = 250;

/**
 * Batches that grow with the rate: `flushAt` events at low rates, and at high rates what the
 * rate of the last window fills in `ADAPTIVE_FILL_MS`, up to `maxBatchSize` (at 10,000 events/s
 * 500 per request instead of 100: a fifth of the requests, compressions and replies). A 413
 * shrinks them as `createBatchSizing` does. For runtimes that send many events (Node); the
 * browser keeps fixed batches.
 */
export function createAdaptiveBatchSizing(
  flushAt: number,
  maxBatchSize: number,
  maxBytes: number,
  now: () => number,
): BatchSizing {
  const limits = createBatchSizing(maxBatchSize, maxBytes);
  let due = flushAt;
  let windowStart = now();
  let windowEvents = 0;
  return {
    _count: () => Math.min(due, limits._count()),
    _bytes: () => limits._bytes(),
    _tooLarge: (count, bytes) => limits._tooLarge(count, bytes),
    _delivered(count, bytes) {
      limits._delivered(count, bytes);
      windowEvents += count;
      const elapsed = now() - windowStart;
      if (elapsed < RATE_WINDOW_MS) return;
      const filled = Math.round((windowEvents * ADAPTIVE_FILL_MS) / elapsed);
      due = Math.min(maxBatchSize, Math.max(flushAt, filled));
      windowStart += elapsed;
      windowEvents = 0;
    },
  };
}
