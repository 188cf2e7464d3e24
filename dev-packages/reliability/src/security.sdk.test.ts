/**
 * The SDK side of security: the key never shows up in onError, the logger or the spool, even when a
 * misconfigured server echoes it back; an http:// endpoint in production is warned about; hostile
 * input neither pollutes prototypes nor passes the size limits.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createClient } from "@inferlog/node";
import { afterEach, describe, expect, it } from "vitest";
import { type Sdk, startSdk } from "./test/node-sdk.js";
import { type Stack, startStack } from "./test/stack.js";

const KEY = "sk_live_server_key_0123456789abcdef";
let stack: Stack | undefined;
let sdk: Sdk | undefined;
let echo: Server | undefined;
afterEach(async () => {
  await sdk?.client.shutdown({ timeoutMs: 500 });
  await stack?.stop();
  echo?.closeAllConnections();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  sdk = stack = echo = undefined;
});

/** Everything the app could see from the SDK: errors (message, cause, JSON), warnings. */
const visible = (s: Sdk) =>
  [...s.errors.map((e) => `${e.message} ${String(e.cause)} ${JSON.stringify(e)} ${e.stack}`), ...s.warnings].join("\n");

describe("no secrets in errors, logs or the spool", () => {
  it("a collector refusing the key: onError says why without the key", async () => {
    stack = await startStack({ auth: { keys: [{ key: `${KEY}-other`, kind: "server" }] } });
    sdk = startSdk(stack.endpoint, { apiKey: KEY, spool: { dir: join(stack.dir, "spool"), fsync: "never" } });
    sdk.logMany(10, "k");
    const r = await sdk.client.flush({ timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: true, sent: 0, dropped: 12, pending: 0 });
    expect(sdk.client.stats().dropped.rejected).toBe(12);
    expect(sdk.errors.map((e) => e.message)).toEqual([
      'Collector refused the batch with HTTP 401: {"error":"Unknown write key sk_liv…"}',
    ]);
    expect(visible(sdk)).not.toContain(KEY);
    const spoolDir = join(stack.dir, "spool");
    for (const f of readdirSync(spoolDir)) expect(readFileSync(join(spoolDir, f), "latin1")).not.toContain(KEY);
  });

  it("a server that echoes the request headers back in its error body: the key is masked", async () => {
    echo = createServer((req, res) => {
      req.resume();
      res.writeHead(400, { "content-type": "text/plain" }).end(`bad request; you sent ${JSON.stringify(req.headers)}`);
    });
    await new Promise<void>((r) => echo?.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1/events`;
    sdk = startSdk(url, { apiKey: KEY });
    sdk.logMany(1, "e");
    await sdk.client.flush({ timeoutMs: 5_000 });
    expect(sdk.errors).toHaveLength(1);
    expect(sdk.errors[0]?.message).toContain("HTTP 400");
    expect(visible(sdk)).not.toContain(KEY);
  });
});

describe("http:// in production", () => {
  const warnFor = (endpoint: string, nodeEnv: string | undefined) => {
    const before = process.env.NODE_ENV;
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    const warnings: string[] = [];
    try {
      const c = createClient({ endpoint, source: "t", flushOnExit: false, logger: { warn: (m) => warnings.push(m) } });
      void c.shutdown({ timeoutMs: 10 });
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
    return warnings;
  };

  it("warns once when a production app sends to a plain-http remote collector", () => {
    expect(warnFor("http://collector.example.com/v1/events", "production")).toEqual([
      "The endpoint http://collector.example.com/v1/events is plain http in production: events and the write key travel unencrypted; use https://",
    ]);
  });

  it("stays quiet for https, loopback, or outside production", () => {
    expect(warnFor("https://collector.example.com/v1/events", "production")).toEqual([]);
    expect(warnFor("http://127.0.0.1:4318/v1/events", "production")).toEqual([]);
    expect(warnFor("http://localhost:4318/v1/events", "production")).toEqual([]);
    expect(warnFor("http://[::1]:4318/v1/events", "production")).toEqual([]);
    expect(warnFor("http://collector.example.com/v1/events", "development")).toEqual([]);
    expect(warnFor("http://collector.example.com/v1/events", undefined)).toEqual([]);
  });
});

describe("hostile input through the Node SDK into the collector", () => {
  it("__proto__ and constructor keys from parsed JSON: refused by field, no prototype polluted, the rest stored", async () => {
    stack = await startStack();
    sdk = startSdk(stack.endpoint);
    const features = JSON.parse('{"__proto__": {"polluted": true}, "age": 3}');
    sdk.client.logPrediction({ predictionId: "proto-1", output: { label: "a" }, features });
    sdk.client.logPrediction({
      predictionId: "ctor-1",
      output: { label: "a" },
      tags: JSON.parse('{"constructor": "x"}'),
    });
    sdk.logMany(5, "fine");
    const r = await sdk.client.flush({ timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: true, sent: 6 });
    expect(sdk.client.stats().dropped.invalid).toBe(2);
    expect(sdk.errors.map((e) => /`([^`]+)`/.exec(e.message)?.[1])).toEqual([
      "data.features.__proto__",
      "data.tags.constructor",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
    expect((await stack.idCounts()).size).toBe(6);
  });

  it("an event over maxEventBytes and a queue flood are dropped and counted, never sent, never thrown", async () => {
    stack = await startStack();
    stack.proxy.setPolicy(() => ({ kind: "status", status: 503, retryAfter: "0" })); // the collector is overloaded
    sdk = startSdk(stack.endpoint, { maxQueueSize: 200, flushAt: 50, maxConcurrency: 1 });
    // 100 features of 4000 characters: each value is within the contract (a longer one would be cut
    // to 4096 and kept), the event (about 400 KB) is over maxEventBytes (256 KiB).
    const features = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`blob${i}`, "x".repeat(4000)]));
    sdk.client.logPrediction({ predictionId: "big", output: { label: "a" }, features });
    for (let i = 0; i < 1_000; i++) sdk.client.logPrediction({ predictionId: `f-${i}`, output: { label: "a" } });
    await new Promise((r) => setTimeout(r, 300));
    const held = sdk.client.stats();
    expect(held.queued).toBeLessThanOrEqual(200);
    expect(held.inFlight).toBeLessThanOrEqual(50);
    expect(held.dropped.queue_full + held.queued + held.inFlight).toBe(1_000);
    expect(held.dropped.too_large).toBe(1);
    expect(sdk.errors[0]?.message).toMatch(
      /^The ml\.prediction event \S+ is 40\d{4} bytes serialized, over the limit of 262144 bytes \(maxEventBytes\)$/,
    );
    stack.proxy.setPolicy(() => ({ kind: "pass" }));
    const r = await sdk.client.flush({ timeoutMs: 20_000 });
    expect(r).toMatchObject({ ok: true, pending: 0 });
    const kept = 1_000 - held.dropped.queue_full;
    expect(sdk.client.stats().sent).toBe(kept);
    expect((await stack.idCounts()).size).toBe(kept);
  });
});
