import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackAddress } from "../auth.js";
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
 * 20). It is read access to the store, guarded as the report is: loopback clients only.
 */
export async function serveAlerts(store: Store, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return reply(res, 405, { error: `Use GET for ${url.pathname}, not ${req.method}` });
  }
  if (!isLoopbackAddress(req.socket.remoteAddress ?? "")) {
    return reply(res, 403, {
      error: "Alerts are served to loopback clients only; run `inferlog-collector check` on the host",
    });
  }
  const raw = url.searchParams.get("limit");
  const limit = raw === null ? DEFAULT_RECENT_ALERTS : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return reply(res, 400, { error: `Expected \`limit\` to be an integer from 1 to ${MAX_LIMIT}, got \`${raw}\`` });
  }
  try {
    return reply(res, 200, await alertsView(store, limit));
  } catch (e) {
    return reply(res, 503, { error: e instanceof Error ? e.message : String(e) });
  }
}
