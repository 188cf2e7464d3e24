/**
 * The cost of a logging call on the caller's path, and of the whole pipeline per event.
 * - median ns per `logPrediction` (10 features, top-3), timed call by call, minus the timer's own cost;
 * - amortized ns per event including the background work (validation, serialization, batching) into a
 *   transport that does nothing, i.e. the CPU a service pays in total;
 * - the bare cost of building the same event object, as the floor.
 */
import { createClient, type Transport } from "@inferlog/core";
import { emit, median, nowNs } from "../measure.js";
import { prediction } from "../prediction.js";

const input = prediction;

const nullTransport: Transport = { send: async () => ({ kind: "ok" }) };
const client = createClient({
  transport: nullTransport,
  source: "bench",
  model: { name: "router", version: "v1" },
  maxQueueSize: 1_000_000,
  maxQueueBytes: 512 * 1024 * 1024,
});

// Timer overhead: two hrtime reads with nothing between.
const empty: number[] = [];
for (let i = 0; i < 200_000; i++) {
  const t0 = nowNs();
  empty.push(nowNs() - t0);
}
const timerNs = median(empty);

const inputs = Array.from({ length: 1024 }, (_, i) => input(i));
async function perCall(n: number): Promise<number> {
  const xs: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const inp = inputs[i & 1023]!;
    const t0 = nowNs();
    client.logPrediction(inp);
    xs[i] = nowNs() - t0 - timerNs;
    if ((i & 4095) === 0) await new Promise((r) => setImmediate(r)); // let background work run, as a server would
  }
  return median(xs);
}

async function amortized(n: number): Promise<number> {
  const t0 = nowNs();
  for (let i = 0; i < n; i++) {
    client.logPrediction(inputs[i & 1023]!);
    if ((i & 4095) === 0) await new Promise((r) => setImmediate(r));
  }
  await client.flush({ timeoutMs: 60_000 });
  return (nowNs() - t0) / n;
}

function bare(n: number): number {
  let sink = 0;
  const t0 = nowNs();
  for (let i = 0; i < n; i++) {
    const e = { specversion: "1.0", id: String(i), type: "ml.prediction", time: Date.now(), data: input(i) };
    sink += e.data.features.f0;
  }
  if (sink < 0) console.log(sink);
  return (nowNs() - t0) / n;
}

await perCall(50_000); // warm-up
const medians: number[] = [];
const amort: number[] = [];
const bares: number[] = [];
for (let r = 0; r < 5; r++) {
  medians.push(await perCall(100_000));
  amort.push(await amortized(100_000));
  bares.push(bare(200_000));
}
const stats = client.stats();
if (stats.dropped.total > 0) throw new Error(`bench dropped events: ${JSON.stringify(stats.dropped)}`);
emit("core-hot-path", [
  {
    metric: "logPrediction on the calling path",
    subject: "inferlog",
    value: median(medians),
    unit: "ns/call (median)",
    better: "lower",
  },
  {
    metric: "whole pipeline per event (validate, serialize, batch)",
    subject: "inferlog",
    value: median(amort),
    unit: "ns/event",
    better: "lower",
  },
  {
    metric: "throughput into an in-memory transport",
    subject: "inferlog",
    value: 1e9 / median(amort),
    unit: "events/s",
    better: "higher",
  },
  {
    metric: "building the bare event object (floor)",
    subject: "plain object literal",
    value: median(bares),
    unit: "ns/event",
    better: "lower",
  },
]);
