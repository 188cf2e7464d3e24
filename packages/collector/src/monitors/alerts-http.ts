import type { IncomingMessage, ServerResponse } from "node:http";
import type { Access } from "../http/access.js";
import type { Logger } from "../http/handler.js";
import type { Store } from "../store/types.js";
import { alertsView, DEFAULT_RECENT_ALERTS } from "./alerts-view.js";

const MAX_LIMIT = 1000;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
  });
  res.end(text);
}

/**
 * `GET /v1/alerts`: the monitors firing now and the latest firings and resolutions (`?limit=`, default
 * 20). It is read access to the store, guarded as the report is (`Access.authorizeRead`: a read key, or
 * without read keys a loopback client).
 */
export async function serveAlerts(
  ctx: { store: Store; access: Access; logger: Logger },
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return reply(res, 405, { error: `Use GET for ${url.pathname}, not ${req.method}` });
  }
  const allowed = ctx.access.authorizeRead(req);
  if (!allowed.ok) return reply(res, allowed.status, { error: allowed.message });
  const raw = url.searchParams.get("limit");
  const limit = raw === null ? DEFAULT_RECENT_ALERTS : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return reply(res, 400, { error: `Expected \`limit\` to be an integer from 1 to ${MAX_LIMIT}, got \`${raw}\`` });
  }
  try {
    return reply(res, 200, await alertsView(ctx.store, limit));
  } catch (cause) {
    // The store's message may name files or hosts: it goes to the log, the client gets a fixed answer.
    ctx.logger.error(
      `inferlog-collector: alerts failed: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`,
    );
    return reply(res, 503, { error: "The store could not be read; see the collector's log" });
  }
}
