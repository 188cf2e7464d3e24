/**
 * Exponential backoff with full jitter (AWS Architecture Blog): uniform in [0, min(cap, base·2^(attempt-1))].
 * `attempt` counts from 1.
 */
export function fullJitter(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
}
