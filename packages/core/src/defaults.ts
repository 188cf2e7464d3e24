/** Option defaults, in their own module so a bundler inlines the numbers where they are used. */
export const DEFAULT_FLUSH_AT = 100;
export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
export const DEFAULT_MAX_BATCH_BYTES = 512 * 1024;
export const DEFAULT_MAX_QUEUE_SIZE = 10_000;
export const DEFAULT_MAX_QUEUE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENCY = 1;
export const DEFAULT_MAX_ATTEMPTS = 10;
export const DEFAULT_MAX_RETRY_DURATION_MS = 5 * 60_000;
export const DEFAULT_MIN_BACKOFF_MS = 500;
/** At most the circuit's cooldown, so a collector back from a 503 outage gets traffic within a cooldown too. */
export const DEFAULT_MAX_BACKOFF_MS = 5_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;
export const DEFAULT_CIRCUIT_FAILURES = 8;
export const DEFAULT_CIRCUIT_COOLDOWN_MS = 5_000;
/** A process talking to its own collector: a restart or deploy takes seconds, so probe at least every 30 s (docs/reliability.md). */
export const DEFAULT_CIRCUIT_MAX_COOLDOWN_MS = 30_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
export const DEFAULT_FLUSH_TIMEOUT_MS = 30_000;
