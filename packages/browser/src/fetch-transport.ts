import type { Transport, TransportResult } from "@inferlog/core";
import { maskSecret, resultFromResponse, threw } from "@inferlog/core/lite";
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
  /** Abort an attempt after this long (default 10 s); it is then retried. */
  timeoutMs?: number | undefined;
  /** Defaults to the page's `fetch`. */
  fetch?: typeof fetch | undefined;
}

export const DEFAULT_BROWSER_TIMEOUT_MS = 10_000;

/**
 * Plain I/O: one POST per batch. It marks a request `keepalive` (so it survives page
 * close) while the keepalive budget has room, and uses plain fetch otherwise.
 */
export function createBrowserTransport(o: BrowserTransportOptions, budget: KeepaliveBudget): Transport {
  const timeoutMs = o.timeoutMs ?? DEFAULT_BROWSER_TIMEOUT_MS;
  // Cached so a page-close request starts synchronously, without waiting on the app for a token.
  let token: string | undefined;
  return {
    async send(req): Promise<TransportResult> {
      const doFetch = o.fetch ?? globalThis.fetch;
      const size = bodyBytes(req.body);
      const keepalive = budget.reserve(size);
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      req.signal.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      try {
        if (o.getToken && token === undefined) token = await o.getToken();
        const key = o.getToken ? token : o.writeKey;
        const res = await doFetch(o.endpoint, {
          method: "POST",
          headers: {
            ...o.headers,
            "content-type": req.contentType,
            "idempotency-key": req.idempotencyKey,
            ...(key ? { authorization: `Bearer ${key}` } : {}),
          },
          body: req.body,
          signal: controller.signal,
          keepalive,
          // Logging must not carry the user's cookies to the collector.
          credentials: "omit",
        });
        // An echoing proxy must not put the key or token into onError or the console.
        const text = maskSecret(await res.text(), key);
        // A minted token may have expired between mint and use: the next attempt asks for a fresh one.
        if (o.getToken && res.status === 401) {
          token = undefined;
          return { kind: "retry", status: 401, reason: "HTTP 401 (token expired?)" };
        }
        return resultFromResponse(res.status, res.headers.get("retry-after"), text, Date.now());
      } catch (e) {
        if (timedOut) return { kind: "retry", reason: `timed out after ${timeoutMs} ms` };
        const reason = maskSecret(threw("fetch", e), token ?? o.writeKey);
        // fetch rejects with a TypeError for a network failure, CORS included (it never says which).
        return e instanceof TypeError
          ? { kind: "retry", reason, hint: fetchFailureHint(o.endpoint) }
          : { kind: "retry", reason };
      } finally {
        clearTimeout(timer);
        if (keepalive) budget.release(size);
        req.signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
