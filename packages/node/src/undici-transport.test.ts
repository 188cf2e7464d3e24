import { isConfigError, resultFromResponse, type TransportRequest } from "@inferlog/core";
import { Agent, type Dispatcher } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { TestCollector } from "../test/collector.js";
import { createUndiciTransport, type UndiciTransport } from "./undici-transport.js";

const body = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `e${i}`, subject: `p${i}` })));
const request = (n = 2, signal: AbortSignal = new AbortController().signal): TransportRequest => ({
  body: body(n),
  contentType: "application/cloudevents-batch+json",
  eventCount: n,
  idempotencyKey: `key-${n}`,
  attempt: 1,
  signal,
});

let collector: TestCollector;
let transport: UndiciTransport | undefined;
afterEach(async () => {
  await transport?.close();
  transport = undefined;
  await collector?.stop();
});

describe("undici transport", () => {
  it("reuses one keep-alive connection for sequential batches and sends the protocol headers", async () => {
    collector = await new TestCollector().start();
    transport = createUndiciTransport({
      endpoint: collector.url,
      apiKey: "k1",
      headers: { "X-Team": "ml" },
      connections: 1,
    });
    for (let i = 0; i < 5; i++) expect(await transport.send(request(3))).toEqual({ kind: "ok" });
    expect(collector.received).toHaveLength(5);
    expect(new Set(collector.received.map((r) => r.connection))).toEqual(new Set([1]));
    expect(collector.connectionCount).toBe(1);
    const h = collector.received[0]?.headers;
    expect(h?.["content-type"]).toBe("application/cloudevents-batch+json");
    expect(h?.["idempotency-key"]).toBe("key-3");
    expect(h?.authorization).toBe("Bearer k1");
    expect(h?.["x-team"]).toBe("ml");
    expect(h?.["content-encoding"]).toBeUndefined(); // 3 events are under the compression threshold
  });

  it("keeps the default Agent to a couple of sockets over many sequential batches", async () => {
    collector = await new TestCollector().start();
    transport = createUndiciTransport({ endpoint: collector.url });
    for (let i = 0; i < 30; i++) await transport.send(request(1));
    expect(collector.received).toHaveLength(30);
    // undici may open a second socket while the first is being released; never one per request.
    expect(collector.connectionCount).toBeLessThanOrEqual(2);
  });

  it("maps every status the way core's resultFromResponse does", async () => {
    collector = await new TestCollector().start();
    const statuses = [200, 202, 204, 400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 501, 502, 503, 504];
    let status = 200;
    collector.reply = () => ({ status, headers: { "retry-after": "7" }, body: status === 204 ? "" : "nope" });
    transport = createUndiciTransport({ endpoint: collector.url, now: () => 1_000 });
    const kinds: Record<number, string> = {};
    for (status of statuses) {
      const got = await transport.send(request());
      const want = resultFromResponse(status, "7", status === 204 ? "" : "nope", 1_000);
      if (got.kind === "fatal" && want.kind === "fatal") {
        expect(got.error.status).toBe(status);
        expect(got.error.message).toBe(want.error.message);
      } else expect(got).toEqual(want);
      kinds[status] = got.kind;
    }
    expect(kinds).toEqual({
      200: "ok",
      202: "ok",
      204: "ok",
      400: "fatal",
      401: "fatal",
      403: "fatal",
      404: "fatal",
      408: "retry",
      409: "fatal",
      413: "too-large",
      422: "fatal",
      429: "retry",
      500: "fatal",
      501: "fatal",
      502: "retry",
      503: "retry",
      504: "retry",
    });
    expect(await transport.send(request())).toMatchObject({ kind: "retry", afterMs: 7_000, status: 504 });
  });

  it("passes per-event rejections from a 200 reply through", async () => {
    collector = await new TestCollector().start();
    collector.reply = () => ({
      status: 200,
      body: JSON.stringify({ accepted: 1, rejected: [{ index: 1, reason: "bad" }] }),
    });
    transport = createUndiciTransport({ endpoint: collector.url });
    expect(await transport.send(request())).toEqual({ kind: "ok", rejected: [{ index: 1, reason: "bad" }] });
  });

  it("turns a reset connection into a retry, never a throw", async () => {
    collector = await new TestCollector().start();
    collector.reply = () => "reset";
    transport = createUndiciTransport({ endpoint: collector.url });
    const r = await transport.send(request());
    expect(r.kind).toBe("retry");
    expect(r.kind === "retry" && r.reason).toMatch(/network error/);
  });

  it("gives up on a collector that hangs after headersTimeoutMs and retries", async () => {
    collector = await new TestCollector().start();
    collector.reply = () => "hang";
    transport = createUndiciTransport({ endpoint: collector.url, headersTimeoutMs: 300 });
    const t0 = Date.now();
    const r = await transport.send(request());
    const took = Date.now() - t0;
    expect(r.kind === "retry" && r.reason).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3_000);
  });

  it("turns a refused connection into a retry", async () => {
    collector = await new TestCollector().start();
    const url = collector.url;
    await collector.stop();
    transport = createUndiciTransport({ endpoint: url });
    const r = await transport.send(request());
    expect(r.kind === "retry" && r.reason).toMatch(/ECONNREFUSED/);
  });

  it("stops at once when the request's signal aborts", async () => {
    collector = await new TestCollector().start();
    collector.reply = () => "hang";
    transport = createUndiciTransport({ endpoint: collector.url });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    expect((await transport.send(request(2, ac.signal))).kind).toBe("retry");
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("aborts every request on the wire at a deadline and says what they carried", async () => {
    collector = await new TestCollector().start();
    collector.delayMs = 10_000; // holds both requests open (active) well past the test
    transport = createUndiciTransport({ endpoint: collector.url, connections: 4 });
    const t = transport;
    const pending = [t.send(request(3)), t.send(request(5))];
    while (collector.active < 2) await new Promise((r) => setTimeout(r, 10));
    expect(t.abortInFlight()).toEqual({ requests: 2, events: 8 });
    for (const r of await Promise.all(pending)) expect(r).toMatchObject({ kind: "retry" });
    expect(t.abortInFlight()).toEqual({ requests: 0, events: 0 });
  });

  it("sends through an injected dispatcher and leaves it open on close", async () => {
    collector = await new TestCollector().start();
    let dispatched = 0;
    class CountingAgent extends Agent {
      override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        dispatched++;
        return super.dispatch(opts, handler);
      }
    }
    const agent = new CountingAgent();
    const t = createUndiciTransport({ endpoint: collector.url, dispatcher: agent });
    expect(await t.send(request())).toEqual({ kind: "ok" });
    await t.close();
    expect(agent.closed).toBe(false);
    expect(await t.send(request())).toEqual({ kind: "ok" });
    expect(dispatched).toBe(2);
    await agent.close();
  });

  it.each([
    [{ headersTimeoutMs: "x" }, 'Expected `headersTimeoutMs` to be a positive integer, got `"x"`'],
    [{ headersTimeoutMs: -5 }, "Expected `headersTimeoutMs` to be a positive integer, got `-5`"],
    [{ bodyTimeoutMs: -1 }, "Expected `bodyTimeoutMs` to be a positive integer, got `-1`"],
    [{ connectTimeoutMs: "5" }, 'Expected `connectTimeoutMs` to be a positive integer, got `"5"`'],
    [{ connections: -1 }, "Expected `connections` to be a positive integer, got `-1`"],
    [{ connections: "x" }, 'Expected `connections` to be a positive integer, got `"x"`'],
    [{ connections: 0 }, "Expected `connections` to be a positive integer, got `0`"],
    [{ headers: "x" }, 'Expected `headers` to be an object of header names and values, got `"x"`'],
    [
      { headers: { "bad header\n": "v" } },
      'Expected the names in `headers` to be header names (letters, digits and !#$%&\'*+-.^_`|~), got `"bad header\\n"`',
    ],
    [{ headers: { a: 1 } }, "Expected `headers.a` to be a string of header characters"],
    [{ headers: { a: "x\r\ny" } }, "Expected `headers.a` to be a string of header characters"],
    [{ apiKey: "a\nb" }, "Expected `apiKey` to be a string of header characters"],
    [{ dispatcher: {} }, "Expected `dispatcher` to be an undici Dispatcher (an Agent, Pool or ProxyAgent), got `{}`"],
    [{ dispatcher: "x" }, 'Expected `dispatcher` to be an undici Dispatcher (an Agent, Pool or ProxyAgent), got `"x"`'],
  ])("refuses %j, which undici would refuse on every request or ignore, naming the option", (bad, message) => {
    let error: unknown;
    try {
      transport = createUndiciTransport({ endpoint: "http://127.0.0.1:1/v1/events", ...(bad as object) });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  it("never shows a header value or key it refuses: it may be a secret", () => {
    for (const bad of [{ apiKey: "sk_live_1\n" }, { headers: { "x-api-key": "sk_live_1\r\n" } }]) {
      expect(() => createUndiciTransport({ endpoint: "http://127.0.0.1:1/v1/events", ...bad })).toThrow(
        /^Expected `(apiKey|headers\.x-api-key)` to be a string of header characters \(no line breaks or other control characters, nothing past U\+00FF\)$/,
      );
    }
  });

  it("refuses a bad endpoint with a message naming it", () => {
    for (const endpoint of ["", "ftp://x", "not a url", undefined]) {
      try {
        createUndiciTransport({ endpoint: endpoint as string });
        expect.unreachable();
      } catch (e) {
        expect(isConfigError(e)).toBe(true);
        expect((e as Error).message).toMatch(/Expected `endpoint` to be an http\(s\) URL/);
      }
    }
  });
});
