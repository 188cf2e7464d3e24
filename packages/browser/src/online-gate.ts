import type { Transport } from "@inferlog/core";
import { sleep, systemClock } from "@inferlog/core/lite";

/** Longest wait for an `online` event before trying anyway: `navigator.onLine` can be wrong both ways. */
export const OFFLINE_RECHECK_MS = 30_000;

/**
 * Holds attempts while the browser says it is offline, until `online` fires, the batch
 * is aborted, or OFFLINE_RECHECK_MS passes. `onLine === true` proves nothing, so a
 * failed attempt still goes through core's backoff; this only avoids burning retries
 * (and battery) on requests the browser would fail at once.
 */
export function gateOnline(inner: Transport, recheckMs = OFFLINE_RECHECK_MS): Transport {
  return {
    async send(req) {
      if (typeof navigator !== "undefined" && navigator.onLine === false) {
        await sleep(systemClock, recheckMs, req.signal, (wake) => {
          addEventListener("online", wake);
          return () => removeEventListener("online", wake);
        });
      }
      return inner.send(req);
    },
  };
}
