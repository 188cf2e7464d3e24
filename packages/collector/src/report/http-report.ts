import type { IncomingMessage, ServerResponse } from "node:http";
import { isConfigError } from "@inferlog/core";
import type { Access } from "../http/access.js";
import type { Logger } from "../http/handler.js";
import { computeReport } from "../metrics/compute-report.js";
import type { Store } from "../store/types.js";
import { parseReportParams } from "./params.js";
import { renderReportHtml } from "./render-html.js";

function reply(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    "content-type": `${type}; charset=utf-8`,
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    // The HTML page is self-contained: no script runs, nothing loads from anywhere.
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(body);
}

/**
 * `GET /v1/report` (JSON) and `GET /report` (HTML). Reports read everything in the store, and write keys do
 * not grant reading: a read key, or without read keys a loopback client (`Access.authorizeRead`).
 */
export interface ReportContext {
  store: Store;
  logger: Logger;
  access: Access;
}

export async function serveReport(
  ctx: ReportContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const json = url.pathname === "/v1/report";
  const error = (status: number, message: string, headers: Record<string, string> = {}) =>
    json
      ? reply(res, status, "application/json", JSON.stringify({ error: message }), headers)
      : reply(res, status, "text/plain", message, headers);
  if (req.method !== "GET" && req.method !== "HEAD")
    return error(405, `Use GET for ${url.pathname}, not ${req.method}`);
  const allowed = ctx.access.authorizeRead(req);
  if (!allowed.ok) {
    // A browser opening /report asks for the read key itself (any user name, the key as password).
    const challenge: Record<string, string> =
      allowed.status === 401 ? { "www-authenticate": 'Basic realm="inferlog reports", charset="UTF-8"' } : {};
    return error(allowed.status, allowed.message, challenge);
  }
  let options: ReturnType<typeof parseReportParams>;
  try {
    options = parseReportParams(url.searchParams.entries());
    const report = await computeReport(ctx.store, options);
    return json
      ? reply(res, 200, "application/json", JSON.stringify(report))
      : reply(res, 200, "text/html", renderReportHtml(report));
  } catch (cause) {
    // Option errors name the field (400) and are the caller's own text. Anything else is the store's failure
    // (503): its message and stack go to the log, never to the client (they hold file paths and SQL).
    if (isConfigError(cause)) return error(400, cause.message);
    ctx.logger.error(
      `inferlog-collector: a report failed: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`,
    );
    return error(503, "The report could not be computed: the store failed; the collector's log says why");
  }
}
