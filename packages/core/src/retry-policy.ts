/** What the retry policy reads from the client's options. */
export interface RetryOptions {
  maxAttempts: number;
  maxRetryDurationMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  maxRetryAfterMs: number;
  random: () => number;
}

export type RetryDecision =
  /** Wait `_waitMs`, then try again. `_serverWait`: the wait is the server's Retry-After, which a flush must honour. */
  { _retry: true; _waitMs: number; _serverWait: boolean } | { _retry: false; _why: string };

/**
 * Exponential backoff with full jitter (AWS Architecture Blog): uniform in [0, min(cap, base·2^(attempt-1))].
 * `attempt` counts from 1.
 */
export const fullJitter = (attempt: number, baseMs: number, capMs: number, random: () => number): number =>
  Math.floor(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));

/**
 * After a retryable failure (`afterMs`: the server's Retry-After, if any) of attempt `attempt`,
 * `elapsedMs` since the batch's first attempt: how long to wait, or why to give up. The longer of
 * our backoff and the server's Retry-After (capped at `maxRetryAfterMs`) wins; a batch gives up
 * after `maxAttempts` attempts or when the wait would end past `maxRetryDurationMs`. Pure: the
 * randomness comes from `options.random`.
 */
export function nextRetry(
  options: RetryOptions,
  afterMs: number | undefined,
  attempt: number,
  elapsedMs: number,
): RetryDecision {
  const backoff = fullJitter(attempt, options.minBackoffMs, options.maxBackoffMs, options.random);
  const told = Math.min(afterMs ?? 0, options.maxRetryAfterMs);
  const waitMs = Math.max(backoff, told);
  if (attempt >= options.maxAttempts) return { _retry: false, _why: `${attempt} attempts` };
  if (elapsedMs + waitMs > options.maxRetryDurationMs)
    return { _retry: false, _why: `${Math.round(elapsedMs)} ms of retrying` };
  return { _retry: true, _waitMs: waitMs, _serverWait: told > 0 && told >= backoff };
}
