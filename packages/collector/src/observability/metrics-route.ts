import type { IncomingMessage, ServerResponse } from "node:http";
import type { Access } from "../http/access.js";
import type { CollectorMetrics } from "./metrics.js";

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
  });
  res.end(body);
}

/**
 * `GET /metrics` in the Prometheus text format. The metrics tell traffic and failure rates, so they
 * are read under the reports' rule: a read key, or without read keys a loopback client (`Access.authorizeRead`).
 */
export async function serveMetrics(
  ctx: { metrics: CollectorMetrics; access: Access },
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return reply(res, 405, "text/plain; charset=utf-8", `Use GET for /metrics, not ${req.method}`);
  }
  const allowed = ctx.access.authorizeRead(req);
  if (!allowed.ok) return reply(res, allowed.status, "text/plain; charset=utf-8", allowed.message);
  reply(res, 200, ctx.metrics.registry.contentType, await ctx.metrics.registry.metrics());
}
