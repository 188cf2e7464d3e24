/**
 * Delivery to a local HTTP collector (in a worker thread): events per second from the
 * first log call to the collector's acknowledgement of the last event, and bytes on
 * the wire per event, with gzip on (the default) and off.
 * Run: `pnpm --filter @inferlog/node bench` (or through `pnpm bench`).
 */
import { createClient } from "../src/index.js";
import { startWorkerCollector } from "./collector-worker.js";
import { emit, median, type Row } from "./measure.js";

const N = 100_000;
const ROUNDS = 3;
const input = (i: number) => ({
  features: {
    f0: i,
    f1: i * 0.5,
    f2: "segment-a",
    f3: true,
    f4: null,
    f5: 3.25,
    f6: i % 7,
    f7: "eu-west",
    f8: 0.125,
    f9: 12,
  },
  output: {
    label: "billing",
    score: 0.91,
    candidates: [
      { id: "billing", score: 0.91 },
      { id: "tech", score: 0.06 },
      { id: "sales", score: 0.03 },
    ],
  },
});

async function once(gzip: boolean, url: string) {
  const client = createClient({
    endpoint: url,
    source: "bench",
    model: { name: "router", version: "v1" },
    gzip,
    maxQueueSize: N,
    maxQueueBytes: 256 * 1024 * 1024,
    maxBatchBytes: 1024 * 1024,
    flushAt: 500,
    flushOnExit: false,
  });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    client.logPrediction(input(i));
    if ((i & 1023) === 0) await new Promise((r) => setImmediate(r)); // a server interleaves other work
  }
  const r = await client.flush({ timeoutMs: 120_000 });
  const seconds = (performance.now() - t0) / 1000;
  await client.shutdown();
  if (!r.ok || client.stats().sent !== N) throw new Error(`bench lost events: ${JSON.stringify(client.stats())}`);
  return N / seconds;
}

const collector = await startWorkerCollector();
const rows: Row[] = [];
for (const gzip of [true, false]) {
  const rates: number[] = [];
  let wirePerEvent = 0;
  await once(gzip, collector.url); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    await collector.reset();
    rates.push(await once(gzip, collector.url));
    const s = await collector.stats();
    if (s.events !== N) throw new Error(`collector counted ${s.events} events, expected ${N}`);
    wirePerEvent = s.wire / s.events;
  }
  const subject = gzip ? "inferlog/node (gzip)" : "inferlog/node (no gzip)";
  rows.push({
    metric: "events delivered per second",
    subject,
    value: median(rates),
    unit: "events/s",
    better: "higher",
  });
  rows.push({ metric: "wire bytes per event", subject, value: wirePerEvent, unit: "bytes", better: "lower" });
}
await collector.close();
emit("node-delivery", rows);
