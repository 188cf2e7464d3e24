import type { FeatureFix } from "./feature-values.js";

export const DROP_REASONS = [
  "queue_full",
  "too_large",
  "invalid",
  "rejected",
  "retries_exhausted",
  "sampled_out",
  "before_send",
  "shutdown_timeout",
  "after_shutdown",
  /** Counted by adapters with an overflow store (the Node spool) when it is full and memory is too. */
  "spool_full",
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/**
 * The one "keeps on disk" rule of the adapters that store events (the Node spool, the browser's
 * IndexedDB): after these outcomes an event was not delivered and may be next time, so its stored
 * copy stays for a later attempt or start; after any other it is done (sent, or never to be sent).
 */
export const keepsStored = (outcome: "sent" | DropReason): boolean =>
  outcome === "retries_exhausted" || outcome === "shutdown_timeout";

export interface ClientStats {
  /** `log*` calls accepted for processing (before validation and sampling). */
  logged: number;
  /** Events that passed validation and entered the send queue. */
  enqueued: number;
  /** Events the collector acknowledged. */
  sent: number;
  /** Retry attempts, counted per batch. */
  retried: number;
  /** Events waiting in the queue now. */
  queued: number;
  /** Events in batches being sent or waiting to retry now. */
  inFlight: number;
  batchesSent: number;
  bytesSent: number;
  dropped: Record<DropReason, number> & { total: number };
  /** `open` while the circuit breaker holds sends back after repeated failures. */
  circuit: "closed" | "open" | "half-open";
  /**
   * Feature values that could not be sent as given, by kind: each cost that value (changed or
   * left out), never the event. See `FEATURE_FIXES` and docs/configuration.md.
   */
  featureValues: Record<FeatureFix, number> & { total: number };
  /** The last delivery failure and its likely cause; undefined once a delivery succeeds. */
  lastFailure: string | undefined;
}
