import type { IncomingMessage, ServerResponse } from "node:http";
import { isConfigError } from "@inferlog/core";
import { isLoopbackAddress } from "../auth.js";
import type { Logger } from "../http/handler.js";
import { computeReport } from "../metrics/report.js";
import type { Store } from "../store/types.js";
import { renderHtml } from "./html.js";
import { parseReportParams } from "./params.js";

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    // The HTML page is self-contained: no script runs, nothing loads from anywhere.
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(body);
}

/**
 * `GET /v1/report` (JSON) and `GET /report` (HTML). Reports read everything in the store, and
 * write keys do not grant reading, so they are served to loopback clients only.
 */
export interface ReportContext {
  store: Store;
  logger: Logger;
}

export async function serveReport(
  ctx: ReportContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const json = url.pathname === "/v1/report";
  const error = (status: number, message: string) =>
    json
      ? reply(res, status, "application/json", JSON.stringify({ error: message }))
      : reply(res, status, "text/plain", message);
  if (req.method !== "GET" && req.method !== "HEAD")
    return error(405, `Use GET for ${url.pathname}, not ${req.method}`);
  if (!isLoopbackAddress(req.socket.remoteAddress ?? "")) {
    return error(403, "Reports are served to loopback clients only; run `inferlog-collector report` on the host");
  }
  let options: ReturnType<typeof parseReportParams>;
  try {
    options = parseReportParams(url.searchParams.entries());
    const report = await computeReport(ctx.store, options);
    return json
      ? reply(res, 200, "application/json", JSON.stringify(report))
      : reply(res, 200, "text/html", renderHtml(report));
  } catch (e) {
    // Option errors name the field (400) and are the caller's own text. Anything else is the store's failure
    // (503): its message and stack go to the log, never to the client (they hold file paths and SQL).
    if (isConfigError(e)) return error(400, e.message);
    ctx.logger.error(`inferlog-collector: a report failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return error(503, "The report could not be computed: the store failed; the collector's log says why");
  }
}
