import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth } from "../auth.js";
import { serveAlerts } from "../monitors/alerts-http.js";
import { serveReport } from "../report/http-report.js";
import type { Store } from "../store/types.js";
import { parseBatch } from "./parse-batch.js";
import { BodyError, type BodyLimits, readBody } from "./read-body.js";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface HandlerContext {
  store: Store;
  auth: Auth;
  limits: BodyLimits & { maxEvents: number };
  logger: Logger;
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

function keyOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const header = req.headers["x-inferlog-key"];
  if (typeof header === "string" && header.length > 0) return header;
  return url.searchParams.get("key") ?? undefined;
}

const corsHeaders = (origin: string | undefined): Record<string, string> =>
  origin
    ? { "access-control-allow-origin": origin, vary: "Origin", "access-control-expose-headers": "retry-after" }
    : {};

/** The collector's HTTP surface: `POST /v1/events`, its CORS preflight, `GET /healthz`, and the reports. */
export function createHandler(ctx: HandlerContext) {
  async function ingest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
    const decision = ctx.auth.check({ key: keyOf(req, url), origin, remoteAddress: req.socket.remoteAddress });
    if (!decision.ok) return send(res, decision.status, { error: decision.message }, { connection: "close" });
    const cors = corsHeaders(decision.corsOrigin);
    const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (!BATCH_TYPES.has(mediaType) && mediaType !== SINGLE_TYPE) {
      const got = mediaType ? `\`${mediaType.slice(0, 100)}\`` : "none";
      const message = `Expected Content-Type application/cloudevents-batch+json (or application/json), got ${got}`;
      return send(res, 415, { error: message }, { ...cors, connection: "close" });
    }
    let batch: ReturnType<typeof parseBatch>;
    try {
      const body = await readBody(req, ctx.limits);
      batch = parseBatch(body, { single: mediaType === SINGLE_TYPE, maxEvents: ctx.limits.maxEvents });
    } catch (e) {
      if (e instanceof BodyError) {
        // An unread body cannot be left on a keep-alive socket: close it after the reply.
        const headers: Record<string, string> = req.complete ? cors : { ...cors, connection: "close" };
        return send(res, e.status, { error: e.message }, headers);
      }
      throw e;
    }
    const receivedMs = ctx.now();
    let result: { inserted: number; duplicates: number };
    try {
      result = await ctx.store.insertBatch(batch.valid.map(({ event }) => ({ event, receivedMs })));
    } catch (e) {
      ctx.logger.error(`inferlog-collector: storing a batch failed: ${e instanceof Error ? e.message : String(e)}`);
      // Nothing was acknowledged: the client retries, and dedup by event id makes the retry safe.
      return send(res, 503, { error: "The store is unavailable; retry later" }, { ...cors, "retry-after": "1" });
    }
    send(res, 200, { accepted: batch.valid.length, rejected: batch.rejected, duplicates: result.duplicates }, cors);
  }

  function preflight(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
    const allowed = ctx.auth.preflight(origin, url.searchParams.get("key") ?? undefined, req.socket.remoteAddress);
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
      send(res, 200, { status: "ok", store: ctx.store.kind });
    } catch (e) {
      send(res, 503, { status: "store_unavailable", error: e instanceof Error ? e.message : String(e) });
    }
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://collector.invalid");
      if (ctx.draining() && url.pathname !== "/healthz") {
        return send(
          res,
          503,
          { error: "The collector is shutting down; retry" },
          { "retry-after": "1", connection: "close" },
        );
      }
      if (url.pathname === "/v1/events") {
        if (req.method === "POST") return await ingest(req, res, url);
        if (req.method === "OPTIONS") return preflight(req, res, url);
        return send(res, 405, { error: `Use POST for /v1/events, not ${req.method}` }, { allow: "POST, OPTIONS" });
      }
      if (url.pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) return await health(res);
      if (url.pathname === "/v1/alerts") return await serveAlerts(ctx.store, req, res, url);
      if (url.pathname === "/v1/report" || url.pathname === "/report")
        return await serveReport(ctx.store, req, res, url);
      send(res, 404, {
        error: `No route for ${req.method} ${url.pathname}; POST /v1/events, GET /healthz, GET /v1/report, GET /report or GET /v1/alerts`,
      });
    } catch (e) {
      ctx.logger.error(
        `inferlog-collector: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      if (!res.headersSent) send(res, 500, { error: "Internal error" }, { connection: "close" });
      else res.destroy();
    }
  };
}
