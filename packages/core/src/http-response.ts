import * as z from "zod/mini";
import { TransportError } from "./errors.js";
import { ingestResponseSchema } from "./schema/events.js";
import type { TransportResult } from "./transport.js";

/** Statuses worth another try (RFC 9110 semantics; 500 is a server bug, not a transient state). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/**
 * `Retry-After` in delta-seconds or HTTP-date form, in ms from `nowMs`.
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Turns an HTTP reply into a transport result. Every HTTP transport calls this, so
 * fetch, undici and the browser agree on what each status means.
 */
export function resultFromResponse(
  status: number,
  retryAfter: string | null | undefined,
  body: string,
  nowMs: number,
): TransportResult {
  if (status >= 200 && status < 300) {
    const rejected = parseRejections(body);
    return rejected ? { kind: "ok", rejected } : { kind: "ok" };
  }
  if (status === 413) return { kind: "too-large" };
  if (RETRYABLE_STATUSES.has(status)) {
    const afterMs = parseRetryAfter(retryAfter, nowMs);
    return afterMs === undefined
      ? { kind: "retry", status, reason: `HTTP ${status}` }
      : { kind: "retry", status, afterMs, reason: `HTTP ${status}` };
  }
  const detail = body.length > 200 ? `${body.slice(0, 200)}…` : body;
  return {
    kind: "fatal",
    error: new TransportError(`Collector refused the batch with HTTP ${status}${detail ? `: ${detail}` : ""}`, {
      status,
      retryable: false,
    }),
  };
}

function parseRejections(body: string) {
  if (!body.startsWith("{")) return undefined;
  try {
    const parsed = z.safeParse(ingestResponseSchema, JSON.parse(body));
    const rejected = parsed.success ? parsed.data.rejected : undefined;
    return rejected && rejected.length > 0 ? rejected : undefined;
  } catch {
    return undefined; // a 2xx with a body we do not understand is still a delivery
  }
}
