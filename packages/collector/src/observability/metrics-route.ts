import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackAddress } from "../auth.js";
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
 * are read under the reports' rule (`serveReport`): loopback clients only. When read keys for the
 * reports exist, this route must take the same guard.
 */
export async function serveMetrics(metrics: CollectorMetrics, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return reply(res, 405, "text/plain; charset=utf-8", `Use GET for /metrics, not ${req.method}`);
  }
  if (!isLoopbackAddress(req.socket.remoteAddress ?? "")) {
    return reply(res, 403, "text/plain; charset=utf-8", "Metrics are served to loopback clients only, as reports are");
  }
  reply(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
}
