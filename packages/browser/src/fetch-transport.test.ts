import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { TransportRequest } from "@inferlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowserTransport } from "./fetch-transport.js";
import { createKeepaliveBudget } from "./keepalive-budget.js";

// A real HTTP server on loopback answering from a script; the transport runs on Node's fetch.
const seen: IncomingHttpHeaders[] = [];
const answers: number[] = [];
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    seen.push(req.headers);
    const status = answers.shift() ?? 200;
    res.writeHead(status, { "content-type": "application/json", "retry-after": "2" });
    // Error bodies echo the request's authorization header, as a careless proxy might.
    res.end(status === 200 ? '{"accepted":1}' : `no (${req.headers.authorization})`);
  });
});
let endpoint = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const request = (body = '[{"id":"e1"}]'): TransportRequest => ({
  body,
  contentType: "application/cloudevents-batch+json",
  eventCount: 1,
  idempotencyKey: "k-1",
  attempt: 1,
  signal: new AbortController().signal,
});

describe("browser fetch transport", () => {
  it("posts the batch with its idempotency key and the write key, and maps statuses", async () => {
    seen.length = 0;
    answers.push(200, 503, 400);
    const t = createBrowserTransport({ endpoint, writeKey: "pk_test_123" }, createKeepaliveBudget());
    expect(await t.send(request())).toEqual({ kind: "ok" });
    expect(await t.send(request())).toEqual({ kind: "retry", status: 503, afterMs: 2000, reason: "HTTP 503" });
    expect((await t.send(request())).kind).toBe("fatal");
    expect(seen[0]).toMatchObject({
      authorization: "Bearer pk_test_123",
      "content-type": "application/cloudevents-batch+json",
      "idempotency-key": "k-1",
    });
  });

  it("never puts the write key or a minted token into an error", async () => {
    answers.push(400, 400);
    const keyed = await createBrowserTransport(
      { endpoint, writeKey: "pk_live_abcdefgh" },
      createKeepaliveBudget(),
    ).send(request());
    const tokened = await createBrowserTransport(
      { endpoint, getToken: () => "tok_abcdefghijkl" },
      createKeepaliveBudget(),
    ).send(request());
    const messages = [keyed, tokened].map((r) => (r.kind === "fatal" ? r.error.message : r.kind));
    expect(messages).toEqual([
      "Collector refused the batch with HTTP 400: no (Bearer pk_liv…)",
      "Collector refused the batch with HTTP 400: no (Bearer tok_ab…)",
    ]);
  });

  it("asks for a fresh token after a 401 and retries", async () => {
    seen.length = 0;
    answers.push(401, 200);
    let minted = 0;
    const t = createBrowserTransport({ endpoint, getToken: async () => `tok-${++minted}` }, createKeepaliveBudget());
    expect(await t.send(request())).toMatchObject({ kind: "retry", status: 401 });
    expect(await t.send(request())).toEqual({ kind: "ok" });
    expect(await t.send(request())).toEqual({ kind: "ok" });
    expect(seen.map((h) => h.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]);
    expect(minted).toBe(2);
  });

  it("marks requests keepalive only while they fit the budget, and frees it when they finish", async () => {
    const flags: boolean[] = [];
    const budget = createKeepaliveBudget(100, 8);
    const t = createBrowserTransport(
      {
        endpoint,
        fetch: (async (url: string, init: RequestInit) => {
          flags.push(init.keepalive === true);
          return fetch(url, { ...init, keepalive: false });
        }) as typeof fetch,
      },
      budget,
    );
    await t.send(request("x".repeat(90)));
    await t.send(request("x".repeat(101)));
    await Promise.all([t.send(request("x".repeat(60))), t.send(request("x".repeat(60)))]);
    expect(flags).toEqual([true, false, true, false]);
    expect(budget.remaining()).toBe(100);
  });

  it("returns retry, never throws, when the network fails", async () => {
    const t = createBrowserTransport({ endpoint: "http://127.0.0.1:9/v1/events" }, createKeepaliveBudget());
    const r = await t.send(request());
    expect(r.kind).toBe("retry");
  });
});
