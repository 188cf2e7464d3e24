import { isConfigError } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import { counts, type TestCollector } from "../test/collector.js";
import { perTest } from "../test/per-test.js";
import { createClient, type NodeClient } from "./create-client.js";

const MODEL = { name: "ticket-router", version: "v3" };
const predict = (client: NodeClient, i: number) =>
  client.logPrediction({ predictionId: `p-${i}`, output: { label: "billing", score: 0.9 }, features: { n: i } });

const live = perTest();
let collector: TestCollector;
let client: NodeClient;

describe("createClient (node)", () => {
  it("delivers every logged event exactly once over HTTP", async () => {
    collector = await live.collector();
    client = live.client({ endpoint: collector.url, source: "svc", model: MODEL, flushAt: 50 });
    for (let i = 0; i < 1_000; i++) predict(client, i);
    const r = await client.flush({ timeoutMs: 10_000 });
    expect(r).toEqual({ ok: true, sent: 1_000, dropped: 0, pending: 0 });
    const c = counts(collector.subjects);
    expect(c.size).toBe(1_000);
    expect([...c.values()].every((n) => n === 1)).toBe(true);
    expect(collector.received.length).toBe(20);
    expect(collector.received.every((b) => b.headers["content-encoding"] === "br")).toBe(true);
  });

  it("runs up to maxConcurrency uploads at once and never sends a batch twice", async () => {
    collector = await live.collector();
    collector.delayMs = 150;
    client = live.client({ endpoint: collector.url, source: "svc", model: MODEL, flushAt: 10, maxConcurrency: 3 });
    for (let i = 0; i < 200; i++) predict(client, i);
    // Two overlapping flushes must not duplicate anything.
    const [a, b] = await Promise.all([client.flush(), client.flush()]);
    expect(a.ok && b.ok).toBe(true);
    expect(collector.maxActive).toBe(3);
    expect(collector.ids).toHaveLength(200);
    expect(new Set(collector.ids).size).toBe(200);
    expect(new Set(collector.received.map((r) => r.headers["idempotency-key"])).size).toBe(20);
  });

  it("shutdown has one deadline and reports the ids it could not send", async () => {
    collector = await live.collector();
    collector.reply = () => "hang";
    client = live.client({ endpoint: collector.url, source: "svc", model: MODEL, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) predict(client, i);
    const t0 = Date.now();
    const r = await client.shutdown({ timeoutMs: 400 });
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(r.ok).toBe(false);
    expect(r.dropped).toBe(5);
    expect(r.unsentIds).toHaveLength(5);
    expect(r.spooled).toBe(0);
    expect(client.stats().dropped.shutdown_timeout).toBe(5);
    client.logOutcome({ predictionId: "p-1", label: "x" });
    expect(client.stats().dropped.after_shutdown).toBe(1);
  });

  it("aborts the requests still on the wire when a flush deadline passes, and counts what they carried", async () => {
    collector = await live.collector();
    collector.reply = () => "hang";
    client = live.client({ endpoint: collector.url, source: "svc", model: MODEL, flushAt: 10, maxConcurrency: 2 });
    for (let i = 0; i < 30; i++) predict(client, i);
    const r = await client.flush({ timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, sent: 0, dropped: 0, pending: 30 });
    expect(client.stats().aborted).toEqual({ requests: 2, events: 20 });
    expect(client.stats().dropped.total).toBe(0); // aborted is not lost: the batches retry
  });

  it("names the field when options are wrong", () => {
    const cases: [unknown, RegExp][] = [
      // Missing, each names the environment variable the Node client would also read.
      [
        { source: "svc" },
        /^Expected `endpoint` \(or INFERLOG_ENDPOINT in the environment\) to be the collector's ingest URL/,
      ],
      [{ endpoint: "http://127.0.0.1:1/v1/events" }, /^Expected `source` \(or INFERLOG_SOURCE in the environment\)/],
      [{ source: "svc", endpoint: "ftp://x" }, /`endpoint` to be an http\(s\) URL/],
      [{ endpoint: "http://127.0.0.1:1/v1/events", source: "" }, /`source` to be a non-empty string/],
      [
        { endpoint: "http://127.0.0.1:1/v1/events", source: "s", maxConcurrency: 0 },
        /`maxConcurrency` to be a positive/,
      ],
      [{ endpoint: "http://127.0.0.1:1/v1/events", source: "s", spool: { dir: "" } }, /`spool.dir`/],
      [
        { endpoint: "http://127.0.0.1:1/v1/events", source: "s", spool: { dir: "/tmp/x", maxBytes: -1 } },
        /`spool.maxBytes` to be a positive integer, got `-1`/,
      ],
      [null, /options to be an object/],
      // Each of these used to be accepted: some crashed the process from a background task later.
      ...(
        [
          [{ logger: {} }, /^Expected `logger.warn` to be a function, got `undefined`$/],
          [{ logger: "x" }, /^Expected `logger` to be an object, got `"x"`$/],
          [{ taskQueue: {} }, /^Expected `taskQueue.add` to be a function, got `undefined`$/],
          [{ onDrop: 5 }, /^Expected `onDrop` to be a function, got `5`$/],
          [{ hooks: "x" }, /^Expected `hooks` to be an object, got `"x"`$/],
          [{ hooks: { onSettled: 5 } }, /^Expected `hooks.onSettled` to be a function, got `5`$/],
          [{ flushOnExit: "yes" }, /^Expected `flushOnExit` to be true, false or \{ timeoutMs \}, got `"yes"`$/],
          [{ flushOnExit: 0 }, /^Expected `flushOnExit` to be true, false or \{ timeoutMs \}, got `0`$/],
          [
            { flushOnExit: { timeoutMs: -5 } },
            /^Expected `flushOnExit.timeoutMs` to be a non-negative integer, got `-5`$/,
          ],
          [{ flushOnExit: { timeoutMs: "1" } }, /^Expected `flushOnExit.timeoutMs` to be a non-negative integer/],
          [{ features: { deny: 5 } }, /^Expected `features.deny` to be an array of strings, got `5`$/],
          [{ features: { allow: "abc" } }, /^Expected `features.allow` to be an array of strings, got `"abc"`$/],
          [{ circuitBreaker: "x" }, /^Expected `circuitBreaker` to be an object, got `"x"`$/],
          [{ debug: "yes" }, /^Expected `debug` to be a boolean, got `"yes"`$/],
          [{ strict: "true" }, /^Expected `strict` to be a boolean, got `"true"`$/],
          [{ random: "x" }, /^Expected `random` to be a function, got `"x"`$/],
          [{ encoder: {} }, /^Expected `encoder.encode` to be a function, got `undefined`$/],
          [{ clock: {} }, /^Expected `clock.now` to be a function, got `undefined`$/],
          [{ headersTimeoutMs: "x" }, /^Expected `headersTimeoutMs` to be a positive integer, got `"x"`$/],
          [{ bodyTimeoutMs: -1 }, /^Expected `bodyTimeoutMs` to be a positive integer, got `-1`$/],
          [{ connections: -1 }, /^Expected `connections` to be a positive integer, got `-1`$/],
          [{ headers: { "bad header\n": "v" } }, /^Expected the names in `headers` to be header names/],
          [{ apiKey: "a\nb" }, /^Expected `apiKey` to be a string of header characters/],
          [{ dispatcher: {} }, /^Expected `dispatcher` to be an undici Dispatcher/],
        ] as [object, RegExp][]
      ).map(([bad, message]): [unknown, RegExp] => [
        { endpoint: "http://127.0.0.1:1/v1/events", source: "s", flushOnExit: false, ...bad },
        message,
      ]),
    ];
    const env = { e: process.env.INFERLOG_ENDPOINT, s: process.env.INFERLOG_SOURCE };
    delete process.env.INFERLOG_ENDPOINT;
    delete process.env.INFERLOG_SOURCE;
    try {
      for (const [opts, message] of cases) {
        let error: unknown;
        try {
          createClient(opts as never);
        } catch (e) {
          error = e;
        }
        expect(isConfigError(error), String(message)).toBe(true);
        expect((error as Error).message).toMatch(message);
      }
    } finally {
      if (env.e !== undefined) process.env.INFERLOG_ENDPOINT = env.e;
      if (env.s !== undefined) process.env.INFERLOG_SOURCE = env.s;
    }
  });

  it("checks the logger before it first speaks (the plain-http warning in production)", () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      expect(() =>
        createClient({ endpoint: "http://collector.example.com/v1/events", source: "s", logger: {} as never }),
      ).toThrow(/^Expected `logger.warn` to be a function, got `undefined`$/);
    } finally {
      if (env === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = env;
    }
  });

  it("takes endpoint and source from the environment", async () => {
    collector = await live.collector();
    process.env.INFERLOG_ENDPOINT = collector.url;
    process.env.INFERLOG_SOURCE = "env-svc";
    try {
      client = live.client({ model: MODEL });
    } finally {
      delete process.env.INFERLOG_ENDPOINT;
      delete process.env.INFERLOG_SOURCE;
    }
    predict(client, 1);
    await client.flush();
    expect(JSON.parse(collector.received[0]?.body ?? "[]")[0].source).toBe("env-svc");
  });
});
