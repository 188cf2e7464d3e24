import { TransportError } from "./errors.js";
import type { RejectedEvent, TransportResult } from "./transport.js";

/** Statuses worth another try (RFC 9110 semantics; 500 is a server bug, not a transient state). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/**
 * `Retry-After` in delta-seconds or HTTP-date form, in ms from `nowMs`.
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const item = value?.trim() ?? "";
  if (/^\d+$/.test(item)) return Number(item) * 1000;
  const at = Date.parse(item);
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
  if (status >= 200 && status < 300) return { kind: "ok", ...parseNotes(body) };
  if (status === 413) return { kind: "too-large" };
  if (RETRYABLE_STATUSES.has(status)) {
    const afterMs = parseRetryAfter(retryAfter, nowMs);
    return { kind: "retry", status, ...(afterMs !== undefined && { afterMs }), reason: `HTTP ${status}` };
  }
  const detail = body.length > 200 ? `${body.slice(0, 200)}…` : body;
  return {
    kind: "fatal",
    error: new TransportError(`Collector refused the batch with HTTP ${status}${detail && `: ${detail}`}`, {
      status,
      retryable: false,
    }),
  };
}

const isIndex = (count: unknown): count is number => Number.isSafeInteger(count) && (count as number) >= 0;

const isNotes = (rows: unknown): rows is RejectedEvent[] =>
  Array.isArray(rows) && rows.every((row) => isIndex(row?.index) && typeof row.reason === "string");

/** Each note's index and reason only. */
const copyNotes = (rows: RejectedEvent[]) => rows.map(({ index, reason }) => ({ index, reason }));

/**
 * The rejections and warnings in a 2xx body shaped like `ingestResponseSchema` (checked by hand so the browser
 * bundle carries no zod), each only when the whole body matches that schema and it lists at least one event.
 */
function parseNotes(body: string): { rejected?: RejectedEvent[]; warnings?: RejectedEvent[] } | undefined {
  try {
    // Anything but an object with an `accepted` count and (optionally) arrays of notes throws or fails here.
    const { accepted, rejected = [], warnings = [] } = JSON.parse(body);
    if (isIndex(accepted) && isNotes(rejected) && isNotes(warnings))
      return {
        ...(rejected[0] && { rejected: copyNotes(rejected) }),
        ...(warnings[0] && { warnings: copyNotes(warnings) }),
      };
  } catch {
    // a 2xx with a body we do not understand is still a delivery
  }
  return undefined;
}
