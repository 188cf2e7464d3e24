export interface CircuitBreakerOptions {
  /** Consecutive attempts without any HTTP answer that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
}

/** Leave to send one attempt; hand it back to `end` with what came of it. */
export interface Permit {
  /** The one attempt that decides a half-open circuit. */
  _probe: boolean;
  /** How many times the circuit had opened when the attempt began. */
  _opened: number;
}

export interface CircuitBreaker {
  state(): "closed" | "open" | "half-open";
  /** Leave for one attempt now, or `undefined`: then wait `_waitMs()` or for a wake-up (`_onWake`). */
  _begin(): Permit | undefined;
  /**
   * Milliseconds until `_begin` may give leave: the rest of the cooldown; in half-open, `maxCooldownMs`
   * (the probe's result wakes waiters sooner: this is a backstop); 0 when closed.
   */
  _waitMs(): number;
  /** The attempt got an HTTP answer (`true`), none at all (`false`), or was aborted (`undefined`). */
  _end(permit: Permit, answered: boolean | undefined): void;
  /**
   * The app asked for delivery now (flush, shutdown): end the cooldown so the next attempt is the
   * probe, and wake every wait of our own making (breaker, backoff). A server's Retry-After is not
   * ours to shorten. A failed probe re-opens the circuit.
   */
  _nudge(): void;
  /** Registers a callback for a nudge, a probe's result or the circuit closing; returns its removal. */
  _onWake(wake: () => void): () => void;
}

/**
 * Stops an endpoint that never answers (an ad-blocker, a dead host, a collector restarting) from
 * burning CPU, sockets and battery: after `failureThreshold` attempts in a row that got no HTTP
 * answer at all, no request goes out until the cooldown passes; then exactly one probe decides
 * while every other attempt waits for it. A failed probe doubles the cooldown (up to the max; not
 * one a flush sent early, which re-opens for the same cooldown); an
 * attempt that was already out when the circuit opened is not a probe, and its failure changes
 * nothing. A collector that answers, even with 503, is not "never answering": its status and
 * Retry-After govern, and any answer closes the circuit.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions, now: () => number): CircuitBreaker {
  const { failureThreshold, cooldownMs, maxCooldownMs } = options;
  let failures = 0;
  let openUntil = 0;
  let cooldown = cooldownMs;
  let opened = 0;
  let probing = false;
  /** The open period was cut short by a nudge: its probe comes early, and failing says less. */
  let nudged = false;
  const wakers = new Set<() => void>();
  const wakeAll = (): void => {
    for (const wake of [...wakers]) wake();
  };
  const state = () => (failures < failureThreshold ? "closed" : now() < openUntil ? "open" : "half-open");
  const open = (): void => {
    nudged = false;
    opened++;
    openUntil = now() + cooldown;
  };
  return {
    state,
    _begin() {
      const current = state();
      if (current === "open" || (current === "half-open" && probing)) return undefined;
      probing = current === "half-open";
      return { _probe: probing, _opened: opened };
    },
    _waitMs() {
      const current = state();
      return current === "open" ? openUntil - now() : current === "half-open" ? maxCooldownMs : 0;
    },
    _end(permit, answered) {
      const held = failures >= failureThreshold;
      if (permit._probe) probing = false;
      if (answered) {
        failures = 0;
        cooldown = cooldownMs;
      } else if (answered === false && (permit._probe || permit._opened === opened)) {
        if (permit._probe) {
          // A probe the app asked for early (a flush mid-outage) re-opens for the same cooldown:
          // it must not push the next probe further out.
          if (!nudged) cooldown = Math.min(cooldown * 2, maxCooldownMs);
          open();
        } else if (++failures === failureThreshold) open();
      }
      // A probe's result, or an answer that closed the circuit: whoever waits looks again.
      if (permit._probe || (answered && held)) wakeAll();
    },
    _nudge() {
      // Ends an open period; a closed or half-open circuit does not read it until it trips again.
      if (state() === "open") nudged = true;
      openUntil = now();
      wakeAll();
    },
    _onWake(wake) {
      wakers.add(wake);
      return () => wakers.delete(wake);
    },
  };
}
