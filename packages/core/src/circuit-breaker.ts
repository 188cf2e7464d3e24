export interface CircuitBreakerOptions {
  /** Consecutive failed attempts that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
}

/**
 * Stops an endpoint that never answers (an ad-blocker, a dead collector) from burning
 * CPU and battery: after `failureThreshold` failures in a row, no request goes out
 * until the cooldown passes; then one probe decides.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private cooldown: number;

  constructor(
    private readonly opts: CircuitBreakerOptions,
    private readonly now: () => number,
  ) {
    this.cooldown = opts.cooldownMs;
  }

  get state(): "closed" | "open" | "half-open" {
    if (this.failures < this.opts.failureThreshold) return "closed";
    return this.now() < this.openUntil ? "open" : "half-open";
  }

  /** Milliseconds until a request may go out (0 when closed or half-open). */
  waitMs(): number {
    return this.state === "open" ? this.openUntil - this.now() : 0;
  }

  success(): void {
    this.failures = 0;
    this.cooldown = this.opts.cooldownMs;
  }

  failure(): void {
    const wasTripped = this.failures >= this.opts.failureThreshold;
    this.failures++;
    if (this.failures < this.opts.failureThreshold) return;
    if (wasTripped) this.cooldown = Math.min(this.cooldown * 2, this.opts.maxCooldownMs);
    this.openUntil = this.now() + this.cooldown;
  }
}
