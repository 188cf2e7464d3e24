import { TransportError } from "./errors.js";
import { resultFromResponse } from "./http-response.js";
import { maskSecret } from "./mask-secret.js";
import { createAbortController, systemClock } from "./runtime.js";
import { showValue } from "./show-value.js";
import type { AbortSignalLike, Transport, TransportResult } from "./transport.js";

/** The subset of the Fetch API the transport uses; any runtime's `fetch` fits. */
export type FetchLike = (
  url: string,
  init: {
    method: "POST";
    headers: Record<string, string>;
    body: string;
    signal?: AbortSignalLike;
    keepalive?: boolean;
  },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface FetchTransportOptions {
  /** Full URL of the collector's ingest endpoint, for example `http://127.0.0.1:4318/v1/events`. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  headers?: Record<string, string>;
  /** Abort an attempt that takes longer than this (default 10 s); it is then retried. */
  timeoutMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Mark requests `keepalive` (browser page-close delivery). */
  keepalive?: boolean;
  now?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** A transport over any runtime's `fetch`: Node 20+, Deno, Bun, workers and browsers. */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  const doFetch = options.fetch ?? (globalThis as unknown as { fetch?: FetchLike }).fetch;
  if (typeof doFetch !== "function") {
    throw new TransportError("No global fetch in this runtime; pass `fetch` to createFetchTransport", {
      retryable: false,
    });
  }
  if (typeof options.endpoint !== "string" || !/^https?:\/\//.test(options.endpoint)) {
    throw new TransportError(`Expected \`endpoint\` to be an http(s) URL, got \`${showValue(options.endpoint)}\``, {
      retryable: false,
    });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const now = options.now ?? Date.now;

  return {
    endpoint: options.endpoint,
    async send(req): Promise<TransportResult> {
      const controller = createAbortController();
      const onAbort = () => controller.abort();
      req.signal.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const timer = systemClock.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      try {
        const res = await doFetch(options.endpoint, {
          method: "POST",
          headers: {
            ...options.headers,
            "content-type": req.contentType,
            "idempotency-key": req.idempotencyKey,
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: req.body,
          signal: controller.signal,
          ...(options.keepalive ? { keepalive: true } : {}),
        });
        const text = await res.text();
        return resultFromResponse(res.status, res.headers.get("retry-after"), maskSecret(text, options.apiKey), now());
      } catch (e) {
        // Node's fetch says only "fetch failed"; what happened is in its cause (connect ECONNREFUSED …).
        const cause = (e as { cause?: { message?: unknown } } | null)?.cause?.message;
        const reason = timedOut
          ? `timed out after ${timeoutMs} ms`
          : `network error: ${e instanceof Error ? e.message : String(e)}${typeof cause === "string" ? ` (${cause})` : ""}`;
        const hint = /ECONNREFUSED/.test(reason) ? "nothing listens there: is the collector running?" : undefined;
        return { kind: "retry", reason: maskSecret(reason, options.apiKey), hint };
      } finally {
        systemClock.clearTimeout(timer);
        req.signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
