import { describe, expect, it } from "vitest";
import type { TestCollector } from "../../test/collector.js";
import { perTest } from "../../test/per-test.js";
import type { NodeClientOptions } from "../create-client.js";

const t = perTest(500);
let collector: TestCollector;
let dir: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const make = (o: Partial<NodeClientOptions> = {}) => {
  const late: string[] = [];
  let resolved = false;
  const c = t.client({
    endpoint: collector.url,
    source: "svc",
    model: { name: "m", version: "1" },
    spool: { dir, fsync: "never" },
    maxQueueSize: 20,
    flushAt: 10,
    flushIntervalMs: 10,
    minBackoffMs: 20,
    maxBackoffMs: 50,
    // Retrying until the deadline: every event the deadline finds in memory is a shutdown_timeout.
    maxAttempts: 1_000,
    circuitBreaker: { failureThreshold: 1_000 },
    logger: false,
    onError: (e) => resolved && late.push(`onError ${e.code}`),
    onDrop: (d) => resolved && late.push(`onDrop ${d.reason} ${d.count}`),
    ...o,
  });
  return { c, late, shutDown: () => (resolved = true) };
};

describe("shutdown with a backlog on disk", () => {
  it("sends nothing once it resolved, and reports every event: dropped in memory, pending on disk, all spooled", async () => {
    collector = await t.collector();
    dir = t.tempDir("inferlog-sd-");
    collector.reply = () => ({ status: 503 });
    const { c, late, shutDown } = make();
    for (let i = 0; i < 100; i++) c.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    await sleep(100); // memory holds 20 (retrying), the disk the other 80
    expect(c.stats().spool).toMatchObject({ backlog: 80, diverted: 80 });

    const result = await c.shutdown({ timeoutMs: 300 });
    shutDown();
    const requestsAtShutdown = collector.received.length;
    // 20 missed the deadline in memory (kept in the spool), 80 never left the disk: 100 for the next start.
    expect(result).toMatchObject({ ok: false, sent: 0, dropped: 20, pending: 80, spooled: 100 });
    expect(result.unsentIds).toHaveLength(20);
    expect(c.stats()).toMatchObject({ sent: 0, queued: 80, inFlight: 0 });

    collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
    await sleep(500);
    expect(collector.received.length).toBe(requestsAtShutdown);
    expect(c.stats()).toMatchObject({ sent: 0, queued: 80, inFlight: 0 });
    expect(late).toEqual([]);

    // A flush after shutdown reads nothing back (and returns at once rather than spinning to its deadline).
    const started = Date.now();
    expect(await c.flush({ timeoutMs: 3_000 })).toMatchObject({ ok: false, sent: 0, pending: 80 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(collector.received.length).toBe(requestsAtShutdown);

    const next = make().c;
    expect(next.stats().spool).toMatchObject({ replayed: 100 });
    expect(await next.flush()).toMatchObject({ ok: true, sent: 100 });
    expect(new Set(collector.subjects).size).toBe(100);
  });
});

describe("events whose retries ran out", () => {
  it("stay in the spool, and shutdown's `spooled` counts them with the rest the next start sends", async () => {
    collector = await t.collector();
    dir = t.tempDir("inferlog-sd-");
    collector.reply = () => ({ status: 503 });
    const { c } = make({ maxAttempts: 2, maxQueueSize: 100 });
    for (let i = 0; i < 10; i++) c.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    for (let waited = 0; c.stats().dropped.retries_exhausted < 10 && waited < 3_000; waited += 20) await sleep(20);
    expect(c.stats().dropped.retries_exhausted).toBe(10);
    expect(c.stats().spool).toMatchObject({ parked: 10 });

    const result = await c.shutdown({ timeoutMs: 300 });
    // Nothing missed the deadline; the 10 wait on disk for the next start, and `spooled` says so.
    expect(result).toMatchObject({ sent: 0, pending: 0, spooled: 10 });
    expect(result.unsentIds).toEqual([]);

    collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
    const next = make().c;
    expect(next.stats().spool).toMatchObject({ replayed: 10 });
    expect(await next.flush()).toMatchObject({ ok: true, sent: 10 });
    expect(new Set(collector.subjects).size).toBe(10);
  });
});
