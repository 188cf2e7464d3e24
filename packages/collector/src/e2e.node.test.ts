import type { Transport } from "@inferlog/core";
import { createClient, createUndiciTransport, type NodeClientOptions } from "@inferlog/node";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, spawnCli } from "../test/test-child.js";
import { type Running, startCollector } from "../test/test-http.js";
import { MODEL, STORE_KINDS, type StoreFixture, storeFixture } from "../test/test-support.js";
import { openStore } from "./store/open-store.js";

/** @inferlog/node (undici, gzip, concurrent uploads) with fast retries; records every queued event id. */
function nodeSdk(options: Partial<NodeClientOptions>) {
  const ids: string[] = [];
  const client = createClient({
    source: "e2e-node",
    model: MODEL,
    flushAt: 50,
    flushIntervalMs: 20,
    minBackoffMs: 20,
    maxBackoffMs: 200,
    maxAttempts: 1000,
    circuitBreaker: { failureThreshold: 1000 },
    flushOnExit: false,
    logger: { warn: () => {} },
    hooks: { onEnqueued: (events) => ids.push(...events.map((e) => e.id)) },
    ...options,
  });
  const logRound = (n: number) => {
    for (let i = 0; i < n; i++) {
      const { predictionId } = client.logPrediction({
        output: { label: "billing", candidates: [{ id: "billing" }, { id: "tech" }] },
        features: { i, text: "x".repeat(200) },
      });
      if (i % 2 === 0) client.logFeedback({ predictionId, action: "accepted", candidateId: "billing" });
    }
  };
  return { client, ids, logRound };
}

const onceEach = (ids: string[]) => new Map(ids.map((id) => [id, 1]));

describe.each(STORE_KINDS)("@inferlog/node into the collector (%s)", (kind) => {
  let c: Running | undefined;
  let fx: StoreFixture | undefined;
  afterEach(async () => {
    await c?.stop();
    await fx?.cleanup();
    c = undefined;
    fx = undefined;
  });

  it("stores every id once, with brotli bodies and every batch sent twice", async () => {
    c = await startCollector(kind);
    const undici = createUndiciTransport({ endpoint: c.endpoint, compression: { minBytes: 1 } });
    const twice: Transport = {
      async send(req) {
        await undici.send(req);
        return undici.send(req);
      },
    };
    const { client, ids, logRound } = nodeSdk({ transport: twice });
    logRound(400);
    expect(await client.flush({ timeoutMs: 20_000 })).toMatchObject({ ok: true, sent: 600, dropped: 0, pending: 0 });
    expect(await c.collector.store.eventIdCounts()).toEqual(onceEach(ids));
    expect(await c.collector.store.tableCounts()).toMatchObject({ events: 600, predictions: 400, feedback: 200 });
    await client.shutdown();
    await undici.close();
  });

  it("stores every id once when the collector is killed with SIGKILL mid-ingest and restarted", async () => {
    fx = storeFixture(kind);
    const port = await freePort();
    const args = ["serve", "--port", String(port), "--store", fx.spec];
    let child = await spawnCli(args);
    const { client, ids, logRound } = nodeSdk({ endpoint: `http://127.0.0.1:${port}/v1/events` });
    for (let round = 0; round < 12; round++) {
      logRound(100);
      await new Promise((r) => setTimeout(r, 15));
      if (round === 5) {
        child.proc.kill("SIGKILL");
        await child.exited;
        child = await spawnCli(args);
      }
    }
    expect(await client.flush({ timeoutMs: 30_000 })).toMatchObject({ ok: true, dropped: 0, pending: 0 });
    const stats = client.stats();
    expect([stats.sent, stats.dropped.total]).toEqual([1800, 0]);
    expect(stats.retried).toBeGreaterThan(0);
    expect(ids.length).toBe(1800);
    await client.shutdown();
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    const store = await openStore(fx.spec);
    try {
      expect(await store.eventIdCounts()).toEqual(onceEach(ids));
      expect(await store.tableCounts()).toMatchObject({ events: 1800, predictions: 1200, feedback: 600 });
    } finally {
      await store.close();
    }
  });
});
