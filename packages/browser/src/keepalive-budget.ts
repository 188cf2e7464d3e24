import { utf8Length } from "@inferlog/core/lite";

/**
 * Browsers cap what `keepalive` requests may carry while in flight: Chromium refuses a
 * keepalive fetch once the bodies in flight would pass 64 KiB, and caps how many a
 * page may have open. We stay under both with a margin, and fall back to plain fetch
 * (which the browser cancels at unload) rather than have the request refused.
 */
export const KEEPALIVE_MAX_BYTES = 60 * 1024;
export const KEEPALIVE_MAX_REQUESTS = 8;

export interface KeepaliveBudget {
  /** Reserves room for a body of `bytes`; false when it would not fit. */
  reserve(bytes: number): boolean;
  release(bytes: number): void;
  /** Body bytes one more keepalive request may carry now (0 when the request cap is reached). */
  remaining(): number;
}

export function createKeepaliveBudget(
  maxBytes = KEEPALIVE_MAX_BYTES,
  maxRequests = KEEPALIVE_MAX_REQUESTS,
): KeepaliveBudget {
  let bytes = 0;
  let requests = 0;
  return {
    reserve(count) {
      if (requests + 1 > maxRequests || bytes + count > maxBytes) return false;
      bytes += count;
      requests++;
      return true;
    },
    release(count) {
      bytes = Math.max(0, bytes - count);
      requests = Math.max(0, requests - 1);
    },
    remaining: () => (requests >= maxRequests ? 0 : maxBytes - bytes),
  };
}

/**
 * UTF-8 size of a request body; the browser's cap counts bytes, not UTF-16 units. Core's counter
 * (no encoding): bodies are JSON.stringify output, which never holds a lone surrogate.
 */
export const bodyBytes: (body: string) => number = utf8Length;
