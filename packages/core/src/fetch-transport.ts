import { TransportError, threw } from "./errors.js";
import { resultFromResponse } from "./http-response.js";
import { maskSecret } from "./mask-secret.js";
import { createAbortController, systemClock } from "./runtime.js";
import { showValue } from "./show-value.js";
import type { AbortSignalLike, Transport, TransportResult } from "./transport.js";

/** One HTTP POST of a batch, as core builds it: the runtime only has to send it. */
export interface HttpRequest {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  /** Aborted on the transport's timeout or when the batch is abandoned (shutdown deadline). */
  signal: AbortSignalLike;
}

/** What came back, body read. */
export interface HttpResponse {
  status: number;
  retryAfter: string | null;
  body: string;
}

/**
 * The runtime's part of a transport (Sentry's `makeRequest`): send one request, read the reply.
 * Throws on a network failure; never interprets the status.
 */
export type MakeRequest = (request: HttpRequest) => Promise<HttpResponse>;

export interface HttpTransportOptions {
  /** Full URL of the collector's ingest endpoint, for example `http://127.0.0.1:4318/v1/events`. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  /**
   * Returns a short-lived token your backend minted, sent instead of `apiKey`; called once, and
   * again after a 401 (the token may have expired between mint and use).
   */
  getToken?: (() => string | Promise<string>) | undefined;
  headers?: Record<string, string> | undefined;
  /** Abort an attempt that takes longer than this (default 10 s); it is then retried. */
  timeoutMs?: number | undefined;
  /** The likely cause of a request that threw (a browser's CORS failure), shown with the reason. */
  networkHint?: ((error: unknown) => string | undefined) | undefined;
  now?: (() => number) | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * A transport as core shapes it (Sentry's `createTransport(options, makeRequest)`): the request's
 * headers, the timeout and its link to the batch's abort signal, the credential (masked wherever the
 * reply or an error could carry it back to logs) and the reading of the status. `makeRequest` is the
 * runtime's only part.
 */
export function createTransport(options: HttpTransportOptions, makeRequest: MakeRequest): Transport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const { getToken } = options;
  // Cached so a page-close request starts synchronously, without waiting on the app for a token.
  let token: string | undefined;
  const credential = () => (getToken ? token : options.apiKey);

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
        if (getToken && token === undefined) token = await getToken();
        const key = credential();
        const res = await makeRequest({
          url: options.endpoint,
          method: "POST",
          headers: {
            ...options.headers,
            "content-type": req.contentType,
            "idempotency-key": req.idempotencyKey,
            ...(key ? { authorization: `Bearer ${key}` } : {}),
          },
          body: req.body,
          signal: controller.signal,
        });
        if (getToken && res.status === 401) {
          token = undefined;
          return { kind: "retry", status: 401, reason: "HTTP 401 (token expired?)" };
        }
        // An echoing proxy must not put the key or token into onError or the console.
        return resultFromResponse(res.status, res.retryAfter, maskSecret(res.body, key), now());
      } catch (error) {
        if (timedOut) return { kind: "retry", reason: `timed out after ${timeoutMs} ms` };
        // Node's fetch says only "fetch failed"; what happened is in its cause (connect ECONNREFUSED …).
        const cause = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
        const reason = maskSecret(
          `${threw("fetch", error)}${typeof cause === "string" ? ` (${cause})` : ""}`,
          credential(),
        );
        const hint =
          options.networkHint?.(error) ??
          (/ECONNREFUSED/.test(reason) ? "nothing listens there: is the collector running?" : undefined);
        return hint === undefined ? { kind: "retry", reason } : { kind: "retry", reason, hint };
      } finally {
        systemClock.clearTimeout(timer);
        req.signal.removeEventListener("abort", onAbort);
      }
    },
  };
}

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

export interface FetchTransportOptions extends HttpTransportOptions {
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Mark requests `keepalive` (browser page-close delivery). */
  keepalive?: boolean;
}

/** Sends a request core built with `fetch` (with `extra` init fields such as `keepalive`), and reads the reply. */
export const fetchRequest =
  (doFetch: FetchLike, extra: { keepalive?: boolean } = {}): MakeRequest =>
  async ({ url, ...init }) => {
    const res = await doFetch(url, { ...init, ...extra });
    return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
  };

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
  return createTransport(options, fetchRequest(doFetch, options.keepalive ? { keepalive: true } : {}));
}
