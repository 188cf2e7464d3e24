export interface CircuitBreakerOptions {
  /** Consecutive attempts without any HTTP answer that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
}

export interface CircuitBreaker {
  state(): "closed" | "open" | "half-open";
  /** Milliseconds until a request may go out (0 when closed or half-open). */
  waitMs(): number;
  /** An attempt got an HTTP answer (`true`) or none at all (`false`). */
  record(answered: boolean): void;
  /**
   * The app asked for delivery now (flush, shutdown): end the cooldown so the next request
   * is the probe, and wake every wait of our own making (breaker, backoff). A server's
   * Retry-After is not ours to shorten. A failed probe re-opens the circuit.
   */
  nudge(): void;
  /** Registers a callback for `nudge`; returns its removal. */
  onNudge(wake: () => void): () => void;
}

/**
 * Stops an endpoint that never answers (an ad-blocker, a dead host) from burning CPU and
 * battery: after `failureThreshold` attempts in a row that got no HTTP answer at all, no
 * request goes out until the cooldown passes; then one probe decides. A collector that
 * answers, even with 503, is not "never answering": its status and Retry-After govern.
 */
export function createCircuitBreaker(o: CircuitBreakerOptions, now: () => number): CircuitBreaker {
  let failures = 0;
  let openUntil = 0;
  let cooldown = o.cooldownMs;
  const wakers = new Set<() => void>();
  const state = () => (failures < o.failureThreshold ? "closed" : now() < openUntil ? "open" : "half-open");
  return {
    state,
    waitMs: () => (state() === "open" ? openUntil - now() : 0),
    record(answered) {
      if (answered) {
        failures = 0;
        cooldown = o.cooldownMs;
      } else if (++failures >= o.failureThreshold) {
        // A failed probe (the circuit had already tripped) doubles the cooldown.
        if (failures > o.failureThreshold) cooldown = Math.min(cooldown * 2, o.maxCooldownMs);
        openUntil = now() + cooldown;
      }
    },
    nudge() {
      // Ends an open period; a closed or half-open circuit does not read it until it trips again.
      openUntil = now();
      for (const wake of [...wakers]) wake();
    },
    onNudge(wake) {
      wakers.add(wake);
      return () => wakers.delete(wake);
    },
  };
}
