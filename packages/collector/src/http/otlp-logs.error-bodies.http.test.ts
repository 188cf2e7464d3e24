import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { quiet, type Running, startCollector } from "../../test/test-http.js";
import { createHandler, type HandlerContext } from "./handler.js";

/** OTLP/HTTP: every 4xx and 5xx on /v1/logs carries a google.rpc.Status in the request's encoding. */

const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";

let running: Running[] = [];
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  running = [];
  servers = [];
});

interface Reply {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** A request over node:http, so the test sets the Host header and reads the answer's bytes. */
function send(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/logs`,
      { method: options.method ?? "POST", headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"],
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.method === "GET" ? undefined : "");
  });
}

/** A google.rpc.Status read from its protobuf bytes: field 1 the code (varint), field 2 the message. */
function protobufStatus(body: Buffer): { code: number; message: string } {
  expect(body[0]).toBe(0x08);
  const code = body[1]!;
  expect(body[2]).toBe(0x12);
  let length = 0;
  let shift = 0;
  let at = 3;
  for (;;) {
    const byte = body[at++]!;
    length += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) break;
  }
  expect(at + length).toBe(body.length);
  return { code, message: body.subarray(at).toString("utf8") };
}

/** What a status answer says, read in the encoding its Content-Type names. */
function statusOf(reply: Reply): { code: number; message: string } {
  if (reply.contentType === PROTOBUF) return protobufStatus(reply.body);
  expect(reply.contentType).toBe(JSON_TYPE);
  return JSON.parse(reply.body.toString("utf8"));
}

/** The handler alone, over a context that holds only what the paths under test touch. */
async function serveHandler(ctx: Partial<HandlerContext>): Promise<string> {
  const server = createServer(createHandler({ logger: quiet, ...ctx } as HandlerContext));
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("POST /v1/logs error answers", () => {
  it("answers a Host it does not serve with 403 and a Status, in protobuf for a protobuf request", async () => {
    const c = await startCollector("sqlite");
    running.push(c);
    const host = { host: "rebind.attacker.example" };
    const asProtobuf = await send(c.url, { headers: { ...host, "content-type": PROTOBUF } });
    expect([asProtobuf.status, asProtobuf.contentType]).toEqual([403, PROTOBUF]);
    const status = statusOf(asProtobuf);
    expect(status.code).toBe(7); // PERMISSION_DENIED
    expect(status.message).toContain("The Host header `rebind.attacker.example` is not one this collector answers to");

    const asJson = await send(c.url, { headers: { ...host, "content-type": `${JSON_TYPE}; charset=utf-8` } });
    expect([asJson.status, asJson.contentType]).toEqual([403, JSON_TYPE]);
    expect(statusOf(asJson)).toEqual(status);
    // Another or no Content-Type: a JSON Status, as OTLP/HTTP says for anything but protobuf.
    const untyped = await send(c.url, { headers: host });
    expect([untyped.status, untyped.contentType]).toEqual([403, JSON_TYPE]);
    expect(statusOf(untyped)).toEqual(status);
  });

  it("answers another method with 405 and a Status, still naming POST in Allow", async () => {
    const c = await startCollector("sqlite");
    running.push(c);
    const get = await send(c.url, { method: "GET" });
    expect([get.status, get.contentType]).toEqual([405, JSON_TYPE]);
    expect(statusOf(get)).toEqual({ code: 12, message: "Use POST for /v1/logs, not GET" }); // UNIMPLEMENTED
    const put = await send(c.url, { method: "PUT", headers: { "content-type": PROTOBUF } });
    expect([put.status, put.contentType]).toEqual([405, PROTOBUF]);
    expect(statusOf(put)).toEqual({ code: 12, message: "Use POST for /v1/logs, not PUT" });
  });

  it("answers 503 with Retry-After and a Status while shutting down, and a Status for an internal error", async () => {
    const draining = await serveHandler({ draining: () => true });
    const closing = await send(draining, { headers: { "content-type": PROTOBUF } });
    expect([closing.status, closing.contentType]).toEqual([503, PROTOBUF]);
    expect(statusOf(closing)).toEqual({ code: 14, message: "The collector is shutting down; retry" }); // UNAVAILABLE

    const broken = await serveHandler({
      draining: () => false,
      access: {
        hostProblem: () => {
          throw new Error("access list unreadable");
        },
      } as unknown as HandlerContext["access"],
    });
    const failed = await send(broken, { headers: { "content-type": PROTOBUF } });
    expect([failed.status, failed.contentType]).toEqual([500, PROTOBUF]);
    expect(statusOf(failed)).toEqual({ code: 13, message: "Internal error" }); // INTERNAL
  });
});
