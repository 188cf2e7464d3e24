import { setImmediate as nextTurn } from "node:timers/promises";

/** Synchronous work per turn of the event loop before a long loop hands it back (ms). */
export const SLICE_MS = 10;

/**
 * A long loop (validating, flattening or writing thousands of events) calls `due()` per item and
 * `await pause()` when it says so: other requests, `/healthz` included, are served in between.
 */
export interface Slicer {
  due(): boolean;
  pause(): Promise<void>;
}

export function startSlices(budgetMs = SLICE_MS): Slicer {
  let started = performance.now();
  return {
    due: () => performance.now() - started >= budgetMs,
    async pause() {
      await nextTurn();
      started = performance.now();
    },
  };
}
