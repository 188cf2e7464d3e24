/**
 * Resident memory while the collector refuses connections: 100k events logged against
 * a closed port must leave the client holding at most its queue bound (maxQueueSize
 * events / maxQueueBytes), the rest counted as dropped `queue_full`.
 */
import { createServer } from "node:net";
import { DEFAULT_FLUSH_AT, DEFAULT_MAX_QUEUE_SIZE } from "@inferlog/core";
import { createClient, DEFAULT_NODE_MAX_CONCURRENCY } from "../src/index.js";
import { emit } from "./measure.js";

const N = 100_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

// A port that refuses: bind, note it, close.
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});

const client = createClient({
  endpoint: `http://127.0.0.1:${port}/v1/events`,
  source: "bench",
  model: { name: "router", version: "v1" },
  flushOnExit: false,
  logger: { warn: () => {} },
});
async function logMany(from: number): Promise<number> {
  let peak = 0;
  for (let i = from; i < from + N; i++) {
    client.logPrediction({ features: { f0: i, f1: "segment-a", f2: i % 7 }, output: { label: "billing", score: 0.9 } });
    if ((i & 1023) === 0) {
      await new Promise((r) => setImmediate(r));
      peak = Math.max(peak, rssMb());
    }
  }
  await new Promise((r) => setTimeout(r, 500));
  gc();
  return peak;
}
gc();
const before = rssMb();
const peak = await logMany(0);
const after = rssMb();
// A second 100k must not grow memory further: the bound holds, not just a slow leak.
const peak2 = await logMany(N);
const after2 = rssMb();
const s = client.stats();
const held = s.queued + s.inFlight;
// The bound: the queue, plus the batches already taken out of it and retrying.
const bound = DEFAULT_MAX_QUEUE_SIZE + DEFAULT_NODE_MAX_CONCURRENCY * DEFAULT_FLUSH_AT;
if (held > bound) throw new Error(`client holds ${held} events, over its bound of ${bound}`);
if (s.dropped.queue_full + held + s.sent !== 2 * N) throw new Error(`unaccounted events: ${JSON.stringify(s)}`);
await client.shutdown({ timeoutMs: 100 });
emit("node-outage-memory", [
  {
    metric: "RSS growth over the next 100k events, still refusing",
    subject: "inferlog/node",
    value: after2 - after,
    unit: "MiB",
    better: "lower",
    note: `peak +${(Math.max(peak2, after2) - after).toFixed(1)} MiB`,
  },
  {
    metric: "RSS growth, 100k events, collector refusing",
    subject: "inferlog/node",
    value: after - before,
    unit: "MiB",
    better: "lower",
    note: `peak +${(Math.max(peak, after) - before).toFixed(1)} MiB; held ${held} (bound ${bound}) of ${2 * N}, ${s.dropped.queue_full} dropped queue_full`,
  },
]);
