/**
 * After a failed write, /healthz answers 503 until a write succeeds or this long passes with no further failure
 * (a load balancer that stops sending traffic on 503 would otherwise keep the instance out for good).
 */
export const WRITE_FAILURE_HOLD_MS = 30_000;

export interface WriteFailure {
  /** When the current run of failures began (ms since the epoch). */
  sinceMs: number;
  /** Failed writes in the run. */
  failures: number;
}

/** Whether the store takes writes, as the last writes found: set by each insert's outcome, read by `/healthz`. */
export class WriteHealth {
  private failure: (WriteFailure & { lastMs: number }) | undefined;
  constructor(
    private readonly clock: () => number = Date.now,
    private readonly holdMs = WRITE_FAILURE_HOLD_MS,
  ) {}

  failed(): void {
    const now = this.clock();
    const run = this.current();
    this.failure = run
      ? { ...run, failures: run.failures + 1, lastMs: now }
      : { sinceMs: now, failures: 1, lastMs: now };
  }

  succeeded(): void {
    this.failure = undefined;
  }

  /** The run of failed writes `/healthz` reports, or undefined when writes work (or no write failed lately). */
  current(): WriteFailure | undefined {
    const field = this.failure;
    if (field === undefined || this.clock() - field.lastMs >= this.holdMs) return undefined;
    return { sinceMs: field.sinceMs, failures: field.failures };
  }
}
