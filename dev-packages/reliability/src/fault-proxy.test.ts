/** The proxy itself: each fault does what its name says, seen from a plain client, so the rows above mean something. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultProxy, mixedFaults } from "@inferlog/test-support/fault-proxy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let upstream: Server;
let proxy: FaultProxy;
let received: string[];

beforeEach(async () => {
  received = [];
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  proxy = new FaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  await proxy.start();
});
afterEach(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});

const post = (body: string, signal?: AbortSignal) =>
  fetch(`${proxy.url}/v1/events`, {
    method: "POST",
    body,
    headers: { connection: "close" },
    ...(signal ? { signal } : {}),
  });
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "no error";
  } catch (e) {
    return (e as Error).name;
  }
};

describe("FaultProxy", () => {
  it("passes requests through and counts the event ids it forwards", async () => {
    const r = await post(JSON.stringify([{ id: "a" }, { id: "b" }]));
    expect(await r.json()).toEqual({ echoed: '[{"id":"a"},{"id":"b"}]' });
    await post(JSON.stringify([{ id: "a" }]));
    expect(proxy.forwardedIds).toEqual(
      new Map([
        ["a", 2],
        ["b", 1],
      ]),
    );
    expect(proxy.resent).toBe(1);
  });

  it("reset: the client gets a network error and the upstream never sees the request", async () => {
    proxy.inject({ kind: "reset" });
    expect(await errorOf(post("[]"))).toBe("TypeError");
    expect(received).toEqual([]);
  });

  it("lose-reply: the upstream gets the request, the client gets a network error", async () => {
    proxy.inject({ kind: "lose-reply" });
    expect(await errorOf(post('[{"id":"x"}]'))).toBe("TypeError");
    expect(received).toEqual(['[{"id":"x"}]']);
  });

  it("partial: the client gets the status and a body that breaks off", async () => {
    proxy.inject({ kind: "partial" });
    const r = await post('[{"id":"x"}]');
    expect(r.status).toBe(200);
    expect(await errorOf(r.text())).toBe("TypeError");
    expect(received).toHaveLength(1);
  });

  it("stall: no answer until the client gives up", async () => {
    proxy.inject({ kind: "stall" });
    const t0 = Date.now();
    expect(await errorOf(post("[]", AbortSignal.timeout(300)))).toBe("TimeoutError");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(received).toEqual([]);
  });

  it("status: answers with the status and Retry-After without reaching the upstream; then passes again", async () => {
    proxy.inject({ kind: "status", status: 429, retryAfter: "3" }, 2);
    for (let i = 0; i < 2; i++) {
      const r = await post("[]");
      expect([r.status, r.headers.get("retry-after")]).toEqual([429, "3"]);
    }
    expect((await post("[]")).status).toBe(200);
    expect(received).toEqual(["[]"]);
  });

  it("latency: holds the request for the given time", async () => {
    proxy.inject({ kind: "latency", ms: 200 });
    const t0 = Date.now();
    expect((await post("[]")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(195);
  });

  it("a seeded mix is the same sequence every run", () => {
    const weights = [
      [1, { kind: "pass" }],
      [1, { kind: "reset" }],
    ] as const;
    const a = mixedFaults(42, weights);
    const b = mixedFaults(42, weights);
    const seqA = Array.from({ length: 50 }, (_, i) => a(i).kind);
    expect(Array.from({ length: 50 }, (_, i) => b(i).kind)).toEqual(seqA);
    expect(new Set(seqA)).toEqual(new Set(["pass", "reset"]));
  });
});
