import type { InferlogError, TransportError } from "./errors.js";
import type { DropReason } from "./stats.js";
import type { Transport, TransportResult } from "./transport.js";

/** What the diagnostics need from the resolved options. */
export interface DiagnosticsContext {
  logger: { warn(message: string): void };
  debug: boolean;
  /** Where the transport sends, as the messages name it. */
  endpoint: string;
}

/**
 * The SDK's own voice when nothing else listens: the first delivery failure of an episode (with
 * the endpoint, the status or network error and its likely cause), the first drop of each kind,
 * events lost at shutdown. A delivery that succeeds ends the episode, so the next failure is told
 * again. With `debug`, every batch and every drop.
 */
export interface Diagnostics {
  /** The transport, watched: each result it gives is noted. */
  watch(transport: Transport): Transport;
  /** An error that came with a drop or a background failure (also given to `onError`). */
  error(inferlogError: InferlogError): void;
  /** Any drop; those that come without an error (after shutdown, at shutdown's deadline) are told here. */
  dropped(reason: DropReason, count: number): void;
  /** Says `message` once for `key`; keys that start `delivery:` are forgotten when a delivery succeeds. */
  once(key: string, message: string): void;
  /** The last delivery failure with its likely cause; undefined once a delivery succeeds. */
  lastFailure(): string | undefined;
}

/** Keys told once stay remembered up to this many (a bound for per-field keys). */
const MAX_KEYS = 256;
const DELIVERY = "delivery:";

/**
 * The likely cause of an HTTP refusal. Network errors are the transport's to explain
 * (`TransportResult.hint`): their words differ between Node and browsers.
 */
export const statusHint = (status: number | undefined): string | undefined =>
  status === 404
    ? "wrong path? The collector takes events at /v1/events"
    : status === 401 || status === 403
      ? "check the key the collector expects (apiKey, writeKey)"
      : status && status >= 500
        ? "the collector or a proxy before it is failing"
        : undefined;

/** "1 event", "3 events". */
const eventCount = (count: number): string => `${count} event${count === 1 ? "" : "s"}`;

export function createDiagnostics(ctx: DiagnosticsContext): Diagnostics {
  const { logger, debug, endpoint } = ctx;
  const told = new Set<string>();
  let last: string | undefined;
  const once = (key: string, message: string): void => {
    if (!debug && told.has(key)) return;
    if (told.size < MAX_KEYS) told.add(key);
    logger.warn(message);
  };
  const note = (events: number, attempt: number, result: TransportResult): void => {
    const prefix = `${eventCount(events)} to ${endpoint}`;
    if (result.kind === "ok" || result.kind === "too-large") {
      if (debug) logger.warn(`debug: ${prefix}, attempt ${attempt}: ${result.kind}`);
      if (result.kind === "too-large") return;
      if (last !== undefined) logger.warn(`Delivering to ${endpoint} again`);
      last = undefined;
      for (const key of told) if (key.startsWith(DELIVERY)) told.delete(key);
      return;
    }
    const retry = result.kind === "retry";
    const reason = retry ? result.reason : result.error.message;
    const hint = (retry && result.hint) || statusHint(retry ? result.status : (result.error as TransportError).status);
    last = hint ? `${reason} (${hint})` : reason;
    once(
      `${DELIVERY}failure`,
      `Could not deliver ${prefix}: ${last}; ${retry ? "retrying in the background; said once until a delivery succeeds" : "dropped (stats().dropped.rejected)"}`,
    );
  };

  return {
    watch: (transport) => ({
      async send(req) {
        const result = await transport.send(req);
        // An attempt we aborted ourselves (a flush, shutdown or exit deadline) says nothing about the
        // collector: the cause stays the last one it gave (a refused connection, a status).
        if (!req.signal.aborted) note(req.eventCount, req.attempt, result);
        return result;
      },
    }),
    error(inferlogError) {
      const { status, field, retryable } = inferlogError as Partial<TransportError> & { field?: string };
      // A refusal with a status was told by `note`, with its cause.
      if (status !== undefined) return;
      // Events the collector refused in a delivered batch (the browser's production build checks
      // nothing in the page): once per reason, whatever the ids and counts in the message.
      if (inferlogError.code === "transport" && !retryable)
        once(inferlogError.message.replace(/\b[\w-]{36}\b|\d+/g, ""), inferlogError.message);
      else if (inferlogError.code === "transport" || inferlogError.code === "queue_full")
        once(DELIVERY + inferlogError.code, `${inferlogError.message} (${endpoint})`);
      else
        once(
          `${inferlogError.code}:${field}`,
          `${inferlogError.message}; the event is dropped (told once per field; stats().dropped counts each)`,
        );
    },
    dropped(reason, count) {
      if (debug) logger.warn(`debug: dropped ${count} (${reason})`);
      if (reason === "after_shutdown") once(reason, "An event was logged after shutdown(): dropped");
      if (reason === "shutdown_timeout")
        once(
          DELIVERY + reason,
          `${eventCount(count)} ${count === 1 ? "was" : "were"} not delivered to ${endpoint} before shutdown's deadline${last ? `; last error: ${last}` : ""}`,
        );
    },
    once,
    lastFailure: () => last,
  };
}
