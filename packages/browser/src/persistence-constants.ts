/**
 * The persistence's sizes and periods. This module imports nothing, so the build inlines each value
 * where it is used (a bundler keeps a constant of a module with imports as a variable).
 */

/** One write holds at most this many events or bytes, so no transaction is big or slow to commit. */
export const BATCH_EVENTS = 500;
export const BATCH_BYTES = 256 * 1024;
/** A write task stops starting transactions after this long and leaves the rest to the next task. */
export const TASK_BUDGET_MS = 8;
/** How often the origin's flusher looks for events that closed pages left behind. */
export const SWEEP_MS = 10_000;
/** How often events whose retries ran out get another go, besides on `online` (which may never fire). */
export const PARKED_RETRY_MS = 60_000;
/** Parked events kept in memory at most; beyond them they wait on disk for the next load. */
export const MAX_PARKED = 5_000;
/** A failed delete is tried again after this long, so a delivered record does not stay on disk for good. */
export const DELETE_RETRY_MS = 5_000;
/**
 * Events settled before their write are skipped when it runs; while nothing writes (the database is not
 * open yet) the waiting list is pruned once it holds this many more than the unsettled events.
 */
export const PENDING_SLACK = 1_000;
/**
 * Without Web Locks, a record older than this is taken as abandoned by its page (which may still be open:
 * its events may then be sent twice, and the collector deduplicates them).
 */
export const FALLBACK_STALE_MS = 60_000;
