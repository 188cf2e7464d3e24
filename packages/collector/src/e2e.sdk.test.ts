import { type ClientOptions, createClient, createFetchTransport, type Transport } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, spawnCli } from "../test/test-child.js";
import { type Running, startCollector } from "../test/test-http.js";
import { MODEL, STORE_KINDS, type StoreFixture, storeFixture } from "../test/test-support.js";
import { openStore } from "./store/open-store.js";

const fastRetry = {
  flushAt: 50,
  flushIntervalMs: 20,
  minBackoffMs: 20,
  maxBackoffMs: 200,
  maxAttempts: 1000,
  circuitBreaker: { failureThreshold: 1000 },
  logger: { warn: () => {} },
} satisfies Partial<ClientOptions>;

/** A client that records the id of every event it queues, so the test knows exactly what must be stored. */
function sdk(transport: Transport) {
  const ids: string[] = [];
  const client = createClient({
    transport,
    source: "e2e",
    model: MODEL,
    ...fastRetry,
    hooks: { onEnqueued: (events) => ids.push(...events.map((e) => e.id)) },
  });
  const logRound = (n: number) => {
    for (let i = 0; i < n; i++) {
      const { predictionId } = client.logPrediction({ output: { label: "billing", score: 0.9 }, features: { i } });
      if (i % 2 === 0) client.logOutcome({ predictionId, label: i % 4 === 0 ? "billing" : "tech" });
    }
  };
  return { client, ids, logRound };
}

const onceEach = (ids: string[]) => new Map(ids.map((id) => [id, 1]));

describe.each(STORE_KINDS)("@inferlog/core client into the collector (%s)", (kind) => {
  let c: Running | undefined;
  let fx: StoreFixture | undefined;
  afterEach(async () => {
    await c?.stop();
    await fx?.cleanup();
    c = undefined;
    fx = undefined;
  });

  it("stores every event once, also when every batch is sent twice", async () => {
    c = await startCollector(kind);
    const http = createFetchTransport({ endpoint: c.endpoint });
    let requests = 0;
    const twice: Transport = {
      async send(req) {
        requests += 2;
        await http.send(req);
        return http.send(req);
      },
    };
    const { client, ids, logRound } = sdk(twice);
    logRound(300);
    const flushed = await client.flush({ timeoutMs: 20_000 });
    expect(flushed).toMatchObject({ ok: true, sent: 450, dropped: 0, pending: 0 });
    expect(requests).toBeGreaterThanOrEqual(2 * Math.ceil(450 / 50));
    expect(await c.collector.store.eventIdCounts()).toEqual(onceEach(ids));
    expect(await c.collector.store.tableCounts()).toMatchObject({ events: 450, predictions: 300, outcomes: 150 });
    await client.shutdown();
  });

  it("loses nothing it acknowledged when killed with SIGKILL mid-ingest and restarted", async () => {
    fx = storeFixture(kind);
    const port = await freePort();
    const args = ["serve", "--port", String(port), "--store", fx.spec];
    let child = await spawnCli(args);
    const { client, ids, logRound } = sdk(createFetchTransport({ endpoint: `http://127.0.0.1:${port}/v1/events` }));
    for (let round = 0; round < 12; round++) {
      logRound(100);
      await new Promise((r) => setTimeout(r, 15));
      if (round === 5) {
        // Batches are in flight now: some answered, some half-read, some not yet sent.
        child.proc.kill("SIGKILL");
        await child.exited;
        child = await spawnCli(args);
      }
    }
    const flushed = await client.flush({ timeoutMs: 30_000 });
    expect(flushed).toMatchObject({ ok: true, dropped: 0, pending: 0 });
    const stats = client.stats();
    expect(stats.dropped.total).toBe(0);
    expect(stats.sent).toBe(1800);
    // The kill really interrupted deliveries: at least one batch had to be retried.
    expect(stats.retried).toBeGreaterThan(0);
    expect(ids.length).toBe(1800);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    const store = await openStore(fx.spec);
    try {
      expect(await store.eventIdCounts()).toEqual(onceEach(ids));
      expect(await store.tableCounts()).toMatchObject({ events: 1800, predictions: 1200, outcomes: 600 });
    } finally {
      await store.close();
    }
    await client.shutdown();
    // A child collector killed and restarted mid-stream: 15-18 s alone, over 30 s with the machine busy.
  }, 120_000);
});
