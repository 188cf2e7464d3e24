import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { createFetchTransport } from "./fetch-transport.js";
import { createAbortController } from "./runtime.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const request = (body = "[]") => ({
  body,
  contentType: "application/cloudevents-batch+json",
  eventCount: 0,
  idempotencyKey: "key-1",
  attempt: 1,
  signal: createAbortController().signal,
});

describe("fetch transport against a real HTTP server", () => {
  it("posts the batch with its headers and reads partial rejections", async () => {
    let seen: IncomingMessage | undefined;
    const endpoint = await serve((req, _body, res) => {
      seen = req;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ accepted: 1, rejected: [{ index: 1, reason: "bad" }] }));
    });
    const t = createFetchTransport({ endpoint, apiKey: "sk_test", headers: { "x-team": "ml" } });
    expect(await t.send(request())).toEqual({ kind: "ok", rejected: [{ index: 1, reason: "bad" }] });
    expect(seen?.headers).toMatchObject({
      "content-type": "application/cloudevents-batch+json",
      "idempotency-key": "key-1",
      authorization: "Bearer sk_test",
      "x-team": "ml",
    });
  });

  it.each([
    [
      { accepted: 2, rejected: [], warnings: [{ index: 0, reason: "w" }] },
      { kind: "ok", warnings: [{ index: 0, reason: "w" }] },
    ],
    [
      { accepted: 1, rejected: [{ index: 1, reason: "bad" }], warnings: [{ index: 0, reason: "w" }] },
      { kind: "ok", rejected: [{ index: 1, reason: "bad" }], warnings: [{ index: 0, reason: "w" }] },
    ],
    // Not the contract's shape: still a delivery, with nothing read from it.
    [{ accepted: 1, warnings: [{ index: -1, reason: "w" }] }, { kind: "ok" }],
    [{ accepted: 1, warnings: "w" }, { kind: "ok" }],
  ])("reads a 200's warnings: %j", async (answer, expected) => {
    const endpoint = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
    expect(await createFetchTransport({ endpoint }).send(request())).toEqual(expected);
  });

  it.each([
    [429, { "retry-after": "2" }, { kind: "retry", status: 429, afterMs: 2000, reason: "HTTP 429" }],
    [503, {}, { kind: "retry", status: 503, reason: "HTTP 503" }],
    [413, {}, { kind: "too-large" }],
  ])("maps HTTP %i", async (status, headers, expected) => {
    const endpoint = await serve((_req, _body, res) => {
      res.writeHead(status, headers);
      res.end();
    });
    expect(await createFetchTransport({ endpoint }).send(request())).toEqual(expected);
  });

  it("maps a 400 to fatal with the collector's message", async () => {
    const endpoint = await serve((_req, _body, res) => {
      res.writeHead(400);
      res.end("Malformed JSON at position 3");
    });
    const r = await createFetchTransport({ endpoint }).send(request());
    expect(r.kind === "fatal" && [r.error.message, r.error.status]).toEqual([
      "Collector refused the batch with HTTP 400: Malformed JSON at position 3",
      400,
    ]);
  });

  it("never puts the API key into an error, even when the collector echoes the request back", async () => {
    const endpoint = await serve((req, _body, res) => {
      res.writeHead(400);
      res.end(`bad request, headers were ${JSON.stringify(req.headers)}`);
    });
    const r = await createFetchTransport({ endpoint, apiKey: "sk_live_abcdefghijklmnop" }).send(request());
    expect(r.kind).toBe("fatal");
    const message = r.kind === "fatal" ? r.error.message : "";
    expect(message).toContain("sk_liv…");
    expect(message).not.toContain("sk_live_abcdefghijklmnop");
  });

  it("turns a hang into a retry after timeoutMs, and a refused connection into a retry", async () => {
    const endpoint = await serve(() => {});
    const r = await createFetchTransport({ endpoint, timeoutMs: 200 }).send(request());
    expect(r).toEqual({ kind: "retry", reason: "timed out after 200 ms" });
    const refused = await createFetchTransport({ endpoint: "http://127.0.0.1:1/v1/events" }).send(request());
    expect(refused.kind).toBe("retry");
  });

  it("delivers a client's events end to end, each id once", async () => {
    const received: string[] = [];
    const endpoint = await serve((_req, body, res) => {
      for (const e of JSON.parse(body)) received.push(e.id);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ accepted: 1 }));
    });
    const client = createClient({
      transport: createFetchTransport({ endpoint }),
      source: "e2e",
      model: { name: "m", version: "1" },
      flushAt: 7,
    });
    for (let i = 0; i < 50; i++) {
      const { predictionId } = client.logPrediction({ output: { label: "a" }, features: { i } });
      client.logFeedback({ predictionId, action: "accepted" });
    }
    const r = await client.shutdown({ timeoutMs: 10_000 });
    expect(r).toEqual({ ok: true, sent: 100, dropped: 0, pending: 0 });
    expect(received).toHaveLength(100);
    expect(new Set(received).size).toBe(100);
  });

  it("rejects a bad endpoint with a message naming it", () => {
    expect(() => createFetchTransport({ endpoint: "ftp://x" })).toThrow(
      'Expected `endpoint` to be an http(s) URL, got `"ftp://x"`',
    );
  });
});
