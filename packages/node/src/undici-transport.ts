import type { Socket } from "node:net";
import type { Transport, TransportRequest, TransportResult } from "@inferlog/core";
import {
  ConfigError,
  DEFAULT_REQUEST_TIMEOUT_MS,
  intOption,
  maskSecret,
  checkOption as need,
  resultFromResponse,
  showValue,
} from "@inferlog/core/lite";
import type { buildConnector as BuildConnector, Dispatcher } from "undici";
import {
  type CompressionOptions,
  type EncodedBody,
  type Encoding,
  encodeBody,
  fallbackFrom,
  resolveCompression,
} from "./compression.js";
import { checkHeaders, checkHeaderValue } from "./header-options.js";
import { networkHint } from "./network-hint.js";
import { exchange } from "./undici-exchange.js";
import { Agent, buildConnector } from "./undici-parts.js";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Core's request timeout, for each of the two waits undici bounds. */
export const DEFAULT_HEADERS_TIMEOUT_MS = DEFAULT_REQUEST_TIMEOUT_MS;
export const DEFAULT_BODY_TIMEOUT_MS = DEFAULT_REQUEST_TIMEOUT_MS;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface UndiciTransportOptions {
  /** Full URL of the collector's ingest endpoint, for example `http://127.0.0.1:4318/v1/events`. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  headers?: Record<string, string>;
  /** An undici Agent, Pool or ProxyAgent to send through. Default: a keep-alive Agent owned by the transport. */
  dispatcher?: Dispatcher;
  connectTimeoutMs?: number;
  /** Time to wait for the response headers once the request is sent. */
  headersTimeoutMs?: number;
  /** Time allowed between two chunks of the response body. */
  bodyTimeoutMs?: number;
  /**
   * Compress bodies from `minBytes` on (default: brotli quality 2 from 1 KiB). `"gzip"` or
   * `{ encoding: "gzip" }` for collectors that read only gzip; `false` sends bodies as they are.
   * A collector that answers 415 to a compressed body gets the next coding (br, gzip, none) from then on.
   */
  compression?: boolean | Encoding | CompressionOptions;
  /** Connections the default Agent may open to the collector. */
  connections?: number;
  now?: () => number;
}

export interface UndiciTransport extends Transport {
  /** Closes the Agent this transport created (an injected dispatcher is left to its owner). */
  close(): Promise<void>;
  /**
   * Aborts every request in flight now (a deadline passed: flush, shutdown or exit); each
   * answers `retry`, so its events stay queued (and in the spool). Returns what they carried.
   */
  abortInFlight(): { requests: number; events: number };
}

interface InFlight {
  events: number;
  /** Stops the request on the wire now (the attempt under way). */
  abort: () => void;
  aborted: boolean;
}

/** A transport over undici: keep-alive connections, bounded timeouts, compression. Pure I/O. */
export function createUndiciTransport(options: UndiciTransportOptions): UndiciTransport {
  const url = parseEndpoint(options.endpoint);
  need(
    options.apiKey === undefined || (typeof options.apiKey === "string" && options.apiKey.length > 0),
    "apiKey",
    "a non-empty string",
    options.apiKey,
  );
  if (options.apiKey !== undefined) checkHeaderValue("apiKey", options.apiKey);
  const headers = checkHeaders(options.headers);
  need(
    options.dispatcher === undefined || typeof options.dispatcher?.dispatch === "function",
    "dispatcher",
    "an undici Dispatcher (an Agent, Pool or ProxyAgent)",
    options.dispatcher,
  );
  const connectTimeout = intOption("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 1);
  const headersTimeout = intOption("headersTimeoutMs", options.headersTimeoutMs, DEFAULT_HEADERS_TIMEOUT_MS, 1);
  const bodyTimeout = intOption("bodyTimeoutMs", options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS, 1);
  const connections =
    options.connections === undefined ? undefined : intOption("connections", options.connections, undefined, 1);
  const owned = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      keepAliveTimeout: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
      connect: unrefConnector(connectTimeout),
      headersTimeout,
      bodyTimeout,
      ...(connections === undefined ? {} : { connections }),
    });
  let compression = resolveCompression(options.compression);
  const now = options.now ?? Date.now;
  const fixedHeaders: Record<string, string> = {
    ...lowerKeys(headers),
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  };

  // A reply body becomes part of an error the app sees (onError, logs): a proxy that echoes the
  // request headers back must not put the key there.
  const hideKey = (text: string) => maskSecret(text, options.apiKey);

  const path = url.pathname + url.search;
  const post = (req: TransportRequest, encoded: EncodedBody, entry: InFlight) => {
    const sent = exchange(dispatcher, {
      origin: url.origin,
      path,
      method: "POST",
      headers: {
        ...fixedHeaders,
        "content-type": req.contentType,
        "idempotency-key": req.idempotencyKey,
        ...(encoded.encoding ? { "content-encoding": encoded.encoding } : {}),
      },
      body: encoded.body,
      // Per-request overrides so an injected dispatcher still gets bounded waits.
      headersTimeout,
      bodyTimeout,
    });
    entry.abort = sent.abort;
    if (entry.aborted) sent.abort();
    return sent.reply;
  };

  let closed = false;
  const inFlight = new Set<InFlight>();
  return {
    async send(req): Promise<TransportResult> {
      // Our own handle, so a deadline can abort the request even when the batch's signal is not aborted.
      const entry: InFlight = { events: req.eventCount, abort: () => {}, aborted: false };
      const follow = () => {
        entry.aborted = true;
        entry.abort();
      };
      if (req.signal.aborted) follow();
      else req.signal.addEventListener("abort", follow, { once: true });
      inFlight.add(entry);
      try {
        let used = compression;
        let encoded = await encodeBody(req.body, used);
        let res = await post(req, encoded, entry);
        // A collector that cannot read this coding: step down for this request and every later one.
        while (res.statusCode === 415 && used !== false && encoded.encoding !== undefined) {
          const next = fallbackFrom(used);
          if (compression === used) compression = next; // a concurrent request may have stepped down already
          used = next;
          encoded = await encodeBody(req.body, used);
          res = await post(req, encoded, entry);
        }
        const text = res.statusCode < 300 ? res.text : hideKey(res.text);
        const retryAfter = res.headers["retry-after"];
        return resultFromResponse(res.statusCode, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, text, now());
      } catch (error) {
        // Connection refused or reset, DNS, TLS, timeouts, aborts: all worth another try (or moot on abort).
        const err = error as { code?: unknown; message?: string };
        const code = typeof err.code === "string" ? err.code : undefined;
        const message = err.message ?? String(error);
        // OpenSSL's messages are its internal state ("803C…:error:0A00010B:SSL routines:…"): the code says it.
        const shown = code?.startsWith("ERR_SSL") ? "" : message;
        return {
          kind: "retry",
          reason: hideKey(`network error: ${code ?? ""}${code && shown ? " " : ""}${shown}`),
          hint: networkHint(code, message, url),
        };
      } finally {
        inFlight.delete(entry);
        req.signal.removeEventListener("abort", follow);
      }
    },
    abortInFlight() {
      const carried = { requests: inFlight.size, events: 0 };
      for (const entry of inFlight) {
        carried.events += entry.events;
        entry.aborted = true;
        entry.abort();
      }
      inFlight.clear();
      return carried;
    },
    async close() {
      if (!owned || closed) return;
      closed = true;
      await dispatcher.close();
    },
  };
}

/**
 * Connections that never keep the process alive on their own. undici refs a socket while a
 * request is pending on it, so a collector that accepts and never answers would hold the
 * process open for the full headers timeout. Whoever needs an answer holds the process
 * itself (flush, shutdown and the exit flush keep a timer for their budget).
 */
function unrefConnector(timeout: number): BuildConnector.connector {
  const connect = buildConnector({ timeout });
  return (opts, callback) =>
    connect(opts, (error, socket) => {
      if (socket) {
        (socket as Socket).unref();
        (socket as Socket).ref = function (this: Socket) {
          return this;
        };
      }
      // biome-ignore lint/suspicious/noExplicitAny: undici's callback is overloaded on error vs socket
      (callback as any)(error, socket);
    });
}

function parseEndpoint(endpoint: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof endpoint === "string" ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigError(
      `Expected \`endpoint\` to be an http(s) URL such as "http://127.0.0.1:4318/v1/events", got \`${showValue(endpoint)}\``,
    );
  }
  return url;
}

function lowerKeys(entry: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (entry) for (const [key, value] of Object.entries(entry)) out[key.toLowerCase()] = value;
  return out;
}
