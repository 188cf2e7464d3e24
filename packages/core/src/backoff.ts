/** Exponential backoff with full jitter (AWS Architecture Blog): uniform in [0, min(cap, base·2^(attempt-1))]. */
export function fullJitter(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
