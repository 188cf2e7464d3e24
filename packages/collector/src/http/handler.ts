import type { IncomingMessage, ServerResponse } from "node:http";
import { serveAlerts } from "../monitors/alerts-http.js";
import type { CollectorMetrics } from "../observability/metrics.js";
import { serveMetrics } from "../observability/metrics-route.js";
import { serveReport } from "../report/http-report.js";
import type { Store } from "../store/types.js";
import type { Access } from "./access.js";
import { ingestOtlpLogs } from "./otlp-logs.js";
import { replyStatus, requestEncoding } from "./otlp-reply.js";
import { type ParsedBatch, parseBatch, warmValidators } from "./parse-batch.js";
import { BodyError, type BodyLimits, readBody } from "./read-body.js";
import type { WriteHealth } from "./write-health.js";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface HandlerContext {
  store: Store;
  /** Host allow-list, client address and keys: who may write and read (access.ts). */
  access: Access;
  limits: BodyLimits & { maxEvents: number };
  logger: Logger;
  /** Failed writes turn /healthz to 503 (a full disk, a broken store) until one succeeds. */
  writeHealth: WriteHealth;
  metrics: CollectorMetrics;
  now: () => number;
  /** True once shutdown started: new requests get 503 so clients retry against another instance. */
  draining: () => boolean;
}

/** application/cloudevents+json is one structured event; text/plain is what `navigator.sendBeacon` can send without a preflight. */
const BATCH_TYPES = new Set(["application/cloudevents-batch+json", "application/json", "text/plain"]);
const SINGLE_TYPE = "application/cloudevents+json";
const CORS_ALLOW_HEADERS = "authorization, content-type, content-encoding, idempotency-key, x-inferlog-key";

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** The OTLP/HTTP logs route, whose error answers follow OTLP rather than inferlog's `{ error }`. */
const OTLP_LOGS_PATH = "/v1/logs";

/**
 * An error answer. On `/v1/logs` it is a `google.rpc.Status` in the request's encoding (protobuf for
 * `application/x-protobuf`, else JSON): OTLP/HTTP requires that of every 4xx and 5xx there, and an
 * exporter reads no other body. Elsewhere it is inferlog's `{ error }`.
 */
function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (pathname === OTLP_LOGS_PATH) replyStatus(res, status, requestEncoding(req) ?? "json", message, headers);
  else send(res, status, { error: message }, headers);
}

const corsHeaders = (origin: string | undefined): Record<string, string> =>
  origin
    ? { "access-control-allow-origin": origin, vary: "Origin", "access-control-expose-headers": "retry-after" }
    : {};

/** The collector's HTTP surface: `POST /v1/events`, its CORS preflight, `GET /healthz`, and the reports. */
export function createHandler(ctx: HandlerContext) {
  warmValidators();
  async function ingest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const decision = ctx.access.authorizeWrite(req, url);
    if (!decision.ok) {
      const headers = { ...corsHeaders(decision.corsOrigin), connection: "close" };
      return send(res, decision.status, { error: decision.message }, headers);
    }
    const cors = corsHeaders(decision.corsOrigin);
    const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (!BATCH_TYPES.has(mediaType) && mediaType !== SINGLE_TYPE) {
      const got = mediaType ? `\`${mediaType.slice(0, 100)}\`` : "none";
      const message = `Expected Content-Type application/cloudevents-batch+json (or application/json), got ${got}`;
      return send(res, 415, { error: message }, { ...cors, connection: "close" });
    }
    let batch: ParsedBatch;
    try {
      const body = await readBody(req, ctx.limits);
      batch = await parseBatch(body, { single: mediaType === SINGLE_TYPE, maxEvents: ctx.limits.maxEvents });
    } catch (cause) {
      if (cause instanceof BodyError) {
        // An unread body cannot be left on a keep-alive socket: close it after the reply.
        const headers: Record<string, string> = req.complete ? cors : { ...cors, connection: "close" };
        return send(res, cause.status, { error: cause.message }, headers);
      }
      throw cause;
    }
    const receivedMs = ctx.now();
    let result: { inserted: number; duplicates: number };
    try {
      result = await ctx.store.insertBatch(batch.valid.map(({ event }) => ({ event, receivedMs })));
      ctx.writeHealth.succeeded();
    } catch (cause) {
      // A store that does not answer is /healthz's `store_unavailable` already; one that answers yet
      // fails writes (a full disk) is `writes_failing`, which only a later good write clears.
      if (
        await ctx.store.ping().then(
          () => true,
          () => false,
        )
      )
        ctx.writeHealth.failed();
      ctx.logger.error(
        `inferlog-collector: storing a batch failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
      // Nothing was acknowledged: the client retries, and dedup by event id makes the retry safe.
      return send(res, 503, { error: "The store is unavailable; retry later" }, { ...cors, "retry-after": "1" });
    }
    ctx.metrics.rejectEvents("/v1/events", "invalid", batch.rejected.length);
    ctx.metrics.ignoreFields("/v1/events", batch.ignored);
    const answer = { accepted: batch.valid.length, rejected: batch.rejected, duplicates: result.duplicates };
    send(res, 200, batch.warnings.length === 0 ? answer : { ...answer, warnings: batch.warnings }, cors);
  }

  function preflight(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const allowed = ctx.access.preflight(req, url);
    if (!allowed) {
      res.writeHead(403, { vary: "Origin", "content-length": "0" });
      res.end();
      return;
    }
    res.writeHead(204, {
      "access-control-allow-origin": allowed,
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": CORS_ALLOW_HEADERS,
      "access-control-max-age": "600",
      vary: "Origin",
      "content-length": "0",
    });
    res.end();
  }

  async function health(res: ServerResponse): Promise<void> {
    if (ctx.draining()) return send(res, 503, { status: "shutting_down" });
    try {
      await ctx.store.ping();
    } catch (cause) {
      // The reason goes to the log: a store's message can hold file paths, and /healthz takes no key.
      ctx.logger.error(
        `inferlog-collector: /healthz: the store failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
      return send(res, 503, { status: "store_unavailable" });
    }
    // The store answers, yet writes may fail (a full disk): the last writes decide.
    const failing = ctx.writeHealth.current();
    if (!failing) return send(res, 200, { status: "ok", store: ctx.store.kind });
    send(res, 503, {
      status: "writes_failing",
      since: new Date(failing.sinceMs).toISOString(),
      failures: failing.failures,
    });
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Known before anything can throw, so even a 500 on /v1/logs is answered the OTLP way.
    let pathname = "";
    try {
      const url = new URL(req.url ?? "/", "http://collector.invalid");
      pathname = url.pathname;
      if (ctx.draining() && url.pathname !== "/healthz") {
        return sendError(req, res, pathname, 503, "The collector is shutting down; retry", {
          "retry-after": "1",
          connection: "close",
        });
      }
      const wrongHost = url.pathname === "/healthz" ? undefined : ctx.access.hostProblem(req);
      if (wrongHost) return sendError(req, res, pathname, 403, wrongHost, { connection: "close" });
      if (url.pathname === "/v1/events") {
        if (req.method === "POST") return await ingest(req, res, url);
        if (req.method === "OPTIONS") return preflight(req, res, url);
        return send(res, 405, { error: `Use POST for /v1/events, not ${req.method}` }, { allow: "POST, OPTIONS" });
      }
      if (url.pathname === OTLP_LOGS_PATH) {
        if (req.method === "POST") return await ingestOtlpLogs(ctx, req, res, url);
        if (req.method === "OPTIONS") return preflight(req, res, url);
        return sendError(req, res, pathname, 405, `Use POST for /v1/logs, not ${req.method}`, {
          allow: "POST, OPTIONS",
        });
      }
      if (url.pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) return await health(res);
      if (url.pathname === "/v1/alerts") return await serveAlerts(ctx, req, res, url);
      if (url.pathname === "/v1/report" || url.pathname === "/report") return await serveReport(ctx, req, res, url);
      if (url.pathname === "/metrics") return await serveMetrics(ctx, req, res);
      send(res, 404, {
        error: `No route for ${req.method} ${url.pathname}; POST /v1/events, POST /v1/logs, GET /healthz, GET /v1/report, GET /report, GET /v1/alerts or GET /metrics`,
      });
    } catch (cause) {
      ctx.logger.error(
        `inferlog-collector: unexpected error: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`,
      );
      if (!res.headersSent) sendError(req, res, pathname, 500, "Internal error", { connection: "close" });
      else res.destroy();
    }
  };
}
