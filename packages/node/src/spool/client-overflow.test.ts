import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JOIN_MIN_QUEUE_BYTES } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { counts, TestCollector } from "../../test/collector.js";
import { createClient, type NodeClient, type NodeClientOptions } from "../create-client.js";
import { decodeRecord } from "./record.js";

let collector: TestCollector;
let dir: string;
const clients: NodeClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.shutdown({ timeoutMs: 500 });
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const accept = () => {
  collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
};
const make = (o: Partial<NodeClientOptions> = {}) => {
  const c = createClient({
    endpoint: collector.url,
    source: "svc",
    model: { name: "m", version: "1" },
    spool: { dir, fsync: "never" },
    maxQueueSize: 50,
    maxConcurrency: 1,
    flushAt: 10,
    flushIntervalMs: 10,
    minBackoffMs: 20,
    maxBackoffMs: 50,
    maxAttempts: 1_000,
    circuitBreaker: { failureThreshold: 1_000 },
    onError: () => {},
    ...o,
  });
  clients.push(c);
  return c;
};
const subjects = (n: number) => Array.from({ length: n }, (_, i) => `p-${i}`);
/** Ids of every record in the spool's segment files. */
const idsOnDisk = () =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").slice(0, -1))
    .map((line) => decodeRecord(line)?.id);

describe("spool as overflow", () => {
  it("holds on disk what memory cannot and sends it, oldest first with its original ids, once the collector accepts", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-ov-"));
    collector.reply = () => ({ status: 503 });
    const c = make();
    for (let i = 0; i < 500; i++) c.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    await new Promise((r) => setTimeout(r, 200)); // retries under way
    const during = c.stats();
    expect(during.dropped.total).toBe(0);
    expect(during.spool).toMatchObject({ backlog: 450, diverted: 450, written: 500, memoryOnly: 0, full: 0 });
    expect(during.queued - 450 + during.inFlight).toBe(50); // memory holds its bound, no more
    expect(during.queued + during.inFlight).toBe(500);
    const persisted = idsOnDisk();

    accept();
    const r = await c.flush({ timeoutMs: 20_000 });
    expect(r).toMatchObject({ ok: true, pending: 0 });
    expect(collector.subjects).toEqual(subjects(500)); // in order, each once
    expect([...collector.ids].sort()).toEqual([...persisted].sort()); // the ids written to disk
    expect(c.stats().dropped.total).toBe(0);
    expect(c.stats().spool?.backlog).toBe(0);
  });

  it("drops only when the disk is full too, counted as spool_full with the ids", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-ov-"));
    collector.reply = () => ({ status: 503 });
    const lost: string[] = [];
    const errors: string[] = [];
    const c = make({
      spool: { dir, fsync: "never", maxBytes: 40_000 },
      onDrop: (d) => {
        if (d.reason === "spool_full") lost.push(...d.ids);
      },
      onError: (e) => errors.push(e.code),
    });
    for (let i = 0; i < 1_000; i++) c.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    await Promise.resolve();
    const s = c.stats();
    expect(s.dropped.spool_full).toBe(lost.length);
    expect(s.dropped.total).toBe(lost.length);
    expect(lost.length).toBeGreaterThan(0);
    expect(s.spool?.full).toBe(lost.length);
    expect(errors.filter((e) => e === "spool_full")).toHaveLength(1); // once per episode
    accept();
    expect((await c.flush({ timeoutMs: 20_000 })).ok).toBe(true);
    const delivered = new Set(collector.ids);
    expect(delivered.size).toBe(collector.ids.length);
    expect(delivered.size + lost.length).toBe(1_000);
    for (const id of lost) expect(delivered.has(id)).toBe(false);
    // What was kept is the oldest: the first events logged, in order.
    expect(collector.subjects).toEqual(subjects(delivered.size));
  });

  it("answers flush() ok only once the backlog from disk is delivered, and counts it in pending until then", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-ov-"));
    collector.reply = () => ({ status: 503 });
    const first = make({ maxQueueSize: 10_000 });
    for (let i = 0; i < 200; i++) first.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    const down = await first.shutdown({ timeoutMs: 200 });
    expect(down).toMatchObject({ ok: false, spooled: 200 });

    const second = make({ maxQueueSize: 30 });
    const r1 = await second.flush({ timeoutMs: 300 });
    expect(r1).toMatchObject({ ok: false, pending: 200 });
    accept();
    const r2 = await second.flush({ timeoutMs: 20_000 });
    expect(r2).toMatchObject({ ok: true, pending: 0 });
    expect(counts(collector.subjects).size).toBe(200);
    // r1's deadline abandons the request on the wire, yet the collector may still read it after accept() and take it;
    // the client then sends that batch again, same body and Idempotency-Key (at least once, as docs/node.md says). An
    // event in two different batches would mean the client sent it twice of its own accord (read back from disk twice,
    // say).
    const batchOf = new Map<string, string | string[] | undefined>();
    for (const request of collector.received)
      for (const id of request.ids) {
        const key = request.headers["idempotency-key"];
        expect(batchOf.get(id) ?? key, `event ${id} arrived in two different batches`).toBe(key);
        batchOf.set(id, key);
      }
    expect(batchOf.size).toBe(200);
    expect(second.stats().spool).toMatchObject({ replayed: 200, backlog: 0 });
  });

  it("keeps every event whole through a joined backlog, the spool and its read-back, with new events logged meanwhile", async () => {
    // A queue large enough to join its backlog's JSON (core's json-chunks.ts), and a count bound that sends most of
    // the outage to disk. Read-back events are restored into the queue without the joiner gathering them, while it
    // gathers (and may join) the events logged during the recovery: every event must still arrive once, as logged.
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-ov-"));
    collector.reply = () => ({ status: 503 });
    const c = make({ maxQueueSize: 2_000, maxQueueBytes: JOIN_MIN_QUEUE_BYTES, flushAt: 100 });
    const features = (i: number) => Object.fromEntries(Array.from({ length: 10 }, (_, f) => [`f${f}`, `${i}:${f}`]));
    const log = (i: number) =>
      c.logPrediction({ predictionId: `p-${i}`, output: { label: `l-${i}` }, features: features(i) });
    for (let i = 0; i < 6_000; i++) log(i);
    await new Promise((r) => setTimeout(r, 100)); // joins run on the next task
    expect(c.stats().spool?.diverted).toBeGreaterThan(3_000);
    accept();
    for (let i = 6_000; i < 9_000; i++) {
      log(i);
      if (i % 500 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(await c.flush({ timeoutMs: 30_000 })).toMatchObject({ ok: true, pending: 0 });
    expect(c.stats().dropped.total).toBe(0);
    const events = collector.received.flatMap(
      (request) =>
        JSON.parse(request.body) as { subject: string; data: { output: { label: string }; features: object } }[],
    );
    expect(events).toHaveLength(9_000);
    expect(new Set(events.map((event) => event.subject)).size).toBe(9_000);
    for (const event of events) {
      const i = Number(event.subject.slice(2));
      expect(event.data.output.label).toBe(`l-${i}`);
      expect(event.data.features).toEqual(features(i));
    }
  });
});
