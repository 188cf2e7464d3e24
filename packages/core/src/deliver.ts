import { threw } from "./accounting.js";
import { fullJitter } from "./backoff.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { TransportError } from "./errors.js";
import type { Clock } from "./runtime.js";
import type { AbortSignalLike, RejectedEvent, Transport, TransportRequest, TransportResult } from "./transport.js";

export interface RetryPolicy {
  maxAttempts: number;
  maxRetryDurationMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  maxRetryAfterMs: number;
}

export type DeliveryOutcome =
  | { kind: "sent"; rejected: readonly RejectedEvent[] }
  | { kind: "too-large" }
  | { kind: "rejected"; error: TransportError }
  | { kind: "retries-exhausted"; error: TransportError }
  | { kind: "aborted" };

export interface DeliveryDeps extends RetryPolicy {
  transport: Transport;
  clock: Clock;
  random: () => number;
  breaker: CircuitBreaker;
  /** Called before each retry wait, for the `retried` counter. */
  onRetry: () => void;
}

/** Waits `ms`, or less if the batch is aborted or (`nudged`) the app flushes (`breaker.nudge`). */
function sleep(deps: DeliveryDeps, ms: number, signal: AbortSignalLike, nudged: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      deps.clock.clearTimeout(timer);
      signal.removeEventListener("abort", done);
      unregister?.();
      resolve();
    };
    const timer = deps.clock.setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    const unregister = nudged ? deps.breaker.onNudge(done) : undefined;
  });
}

async function attempt(transport: Transport, req: TransportRequest): Promise<TransportResult> {
  try {
    return await transport.send(req);
  } catch (cause) {
    // A transport that throws broke its contract; treat it like a network error rather than lose the batch.
    return { kind: "retry", reason: threw("transport", cause) };
  }
}

/**
 * Sends one batch until it is delivered, refused, or out of attempts or time.
 * Every attempt carries the same body and idempotency key.
 */
export async function deliver(deps: DeliveryDeps, req: Omit<TransportRequest, "attempt">): Promise<DeliveryOutcome> {
  const { clock, breaker } = deps;
  const startedAt = clock.now();
  for (let n = 1; ; n++) {
    // The breaker's wait ends early when the app flushes (nudge).
    for (let wait = breaker.waitMs(); wait > 0 && !req.signal.aborted; wait = breaker.waitMs()) {
      await sleep(deps, wait, req.signal, true);
    }
    if (req.signal.aborted) return { kind: "aborted" };
    const res = await attempt(deps.transport, { ...req, attempt: n });
    if (req.signal.aborted) return { kind: "aborted" };
    // Only attempts that got no HTTP answer at all count toward opening the circuit.
    breaker.record(res.kind !== "retry" || res.status !== undefined);
    switch (res.kind) {
      case "ok":
        return { kind: "sent", rejected: res.rejected ?? [] };
      case "too-large":
        return { kind: "too-large" };
      case "fatal":
        return { kind: "rejected", error: res.error };
      case "retry": {
        const backoff = fullJitter(n, deps.minBackoffMs, deps.maxBackoffMs, deps.random);
        const told = res.afterMs === undefined ? 0 : Math.min(res.afterMs, deps.maxRetryAfterMs);
        const delay = Math.max(backoff, told);
        const elapsed = clock.now() - startedAt;
        if (n >= deps.maxAttempts || elapsed + delay > deps.maxRetryDurationMs) {
          const why = n >= deps.maxAttempts ? `${n} attempts` : `${Math.round(elapsed)} ms of retrying`;
          return {
            kind: "retries-exhausted",
            error: new TransportError(
              `Gave up on a batch of ${req.eventCount} events after ${why}; last error: ${res.reason}`,
              { retryable: true, status: res.status },
            ),
          };
        }
        deps.onRetry();
        // A flush cuts our own backoff short; a server's Retry-After it must honour.
        await sleep(deps, delay, req.signal, !(told > 0 && told >= backoff));
      }
    }
  }
}
