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
