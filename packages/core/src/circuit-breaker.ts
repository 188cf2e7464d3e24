export interface CircuitBreakerOptions {
  /** Consecutive attempts without any HTTP answer that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
}

/**
 * Stops an endpoint that never answers (an ad-blocker, a dead host) from burning CPU and
 * battery: after `failureThreshold` attempts in a row that got no HTTP answer at all, no
 * request goes out until the cooldown passes; then one probe decides. A collector that
 * answers, even with 503, is not "never answering": its status and Retry-After govern.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private cooldown: number;
  private wakers = new Set<() => void>();

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

  /**
   * The app asked for delivery now (flush, shutdown): end the cooldown so the next request
   * is the probe, and wake every wait of our own making (breaker, backoff). A server's
   * Retry-After is not ours to shorten. A failed probe re-opens the circuit.
   */
  nudge(): void {
    if (this.state === "open") this.openUntil = this.now();
    for (const wake of [...this.wakers]) wake();
  }

  /** Registers a callback for `nudge`; returns its removal. */
  onNudge(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }
}
