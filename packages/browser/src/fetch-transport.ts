import type { Transport } from "@inferlog/core";
import { createTransport, type MakeRequest } from "@inferlog/core/lite";
import { fetchFailureHint } from "./cors-hint.js";
import { bodyBytes, type KeepaliveBudget } from "./keepalive-budget.js";

export interface BrowserTransportOptions {
  /** The collector's ingest URL, for example `https://collect.example.com/v1/events`. */
  endpoint: string;
  /** A public, write-only key (safe in page source). Never a secret key. */
  writeKey?: string | undefined;
  /** Returns a short-lived token your backend minted; called once, and again after a 401. */
  getToken?: (() => string | Promise<string>) | undefined;
  headers?: Record<string, string> | undefined;
  /** Abort an attempt after this long (default 10 s, core's `DEFAULT_REQUEST_TIMEOUT_MS`); it is then retried. */
  timeoutMs?: number | undefined;
  /** Defaults to the page's `fetch`. */
  fetch?: typeof fetch | undefined;
}

/**
 * The page's part of a transport: a request is marked `keepalive` (so it survives page close)
 * while the keepalive budget has room, plain fetch otherwise, and never carries the user's cookies.
 */
const pageRequest =
  (budget: KeepaliveBudget, fetchOption: typeof fetch | undefined): MakeRequest =>
  async ({ url, ...init }) => {
    const size = bodyBytes(init.body);
    const keepalive = budget.reserve(size);
    try {
      const res = await (fetchOption ?? globalThis.fetch)(url, {
        ...init,
        signal: init.signal as AbortSignal,
        keepalive,
        // Logging must not carry the user's cookies to the collector.
        credentials: "omit",
      });
      return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
    } finally {
      if (keepalive) budget.release(size);
    }
  };

/** Core's transport with the page's request: one POST per batch. */
export function createBrowserTransport(options: BrowserTransportOptions, budget: KeepaliveBudget): Transport {
  return createTransport(
    {
      endpoint: options.endpoint,
      apiKey: options.writeKey,
      getToken: options.getToken,
      headers: options.headers,
      timeoutMs: options.timeoutMs,
      // fetch rejects with a TypeError for a network failure, CORS included (it never says which).
      networkHint: (error) => (error instanceof TypeError ? fetchFailureHint(options.endpoint) : undefined),
    },
    pageRequest(budget, options.fetch),
  );
}
