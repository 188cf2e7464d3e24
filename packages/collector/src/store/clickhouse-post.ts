import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * One POST to ClickHouse over node:http, its body written as the strings or buffers it is made of. fetch
 * (undici) costs several times more CPU per request here: its body and answer go through web
 * streams, and an insert body had to be copied into one byte array first.
 */
export interface ClickHouseAnswer {
  status: number;
  text: string;
}

// Kept-alive sockets, shared by every client as fetch shares its dispatcher; free ones are unref'd.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

export class RequestTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "RequestTimeoutError";
  }
}

/** Rejects with the socket's own error (its `code` says which) or a `RequestTimeoutError`. */
export function postToClickHouse(
  url: string,
  body: string | readonly (string | Buffer)[],
  timeoutMs: number,
  contentType = "text/plain; charset=utf-8",
): Promise<ClickHouseAnswer> {
  const chunks = typeof body === "string" ? [body] : body;
  let length = 0;
  for (const chunk of chunks) length += Buffer.byteLength(chunk);
  const https = url.startsWith("https:");
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: "POST",
        agent: https ? agents.https : agents.http,
        headers: { "content-length": String(length), "content-type": contentType },
      },
      (res: IncomingMessage) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8") });
        });
        res.on("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new RequestTimeoutError(timeoutMs)), timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
