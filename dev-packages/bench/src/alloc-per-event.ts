/**
 * Bytes of JS heap the core allocates per logged prediction (the bench's 10-feature, top-3 event),
 * and bytes a queued event keeps alive: `logPrediction` `events` times, yielding every 1,024 calls
 * as a server would, every event prepared and queued (nothing sent). The young generation is made
 * large enough that no collection runs while the events are logged, so the heap's growth is every
 * byte allocated; then a full collection leaves what the queue holds (the transport never answers). Not a scenario of `pnpm bench`:
 *   node --expose-gc --max-semi-space-size=512 --min-semi-space-size=512 --conditions=source \
 *     --import tsx src/alloc-per-event.ts [events]
 * `BENCH_CORE_ENTRY=<path of a core entry>` measures another copy of the core (an earlier commit's
 * sources), for A/B runs.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type * as Core from "@inferlog/core";
import type { Transport } from "@inferlog/core";
import { prediction } from "./prediction.js";

const otherCore = process.env.BENCH_CORE_ENTRY;
const { createClient }: typeof Core = otherCore
  ? await import(pathToFileURL(otherCore).href)
  : await import("@inferlog/core");
const events = Number(process.argv[2] ?? 20_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (see the comment at the top)");
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Never answers: what is logged stays queued (a few batches wait in flight), so the heap holds it. */
const hanging: Transport = { send: () => new Promise(() => {}) };
let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ["gc"] });

const clients: unknown[] = [];
async function run(label: string) {
  const client = createClient({
    transport: hanging,
    source: "bench",
    model: { name: "router", version: "v1" },
    flushAt: events + 1,
    flushIntervalMs: 3_600_000,
    maxQueueSize: events + 1,
    maxQueueBytes: 1024 * 1024 * 1024,
  });
  const inputs = Array.from({ length: 1024 }, (_, i) => prediction(i));
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 10)); // the observer reports that collection first
  const gcBefore = collections;
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < events; i++) {
    client.logPrediction(inputs[i & 1023] as (typeof inputs)[number]);
    if ((i & 1023) === 1023) await tick();
  }
  while (client.stats().enqueued < events) await tick();
  const grown = process.memoryUsage().heapUsed - before;
  const collected = collections - gcBefore;
  gc?.();
  const kept = process.memoryUsage().heapUsed - before;
  console.log(
    JSON.stringify({
      run: label,
      events,
      allocatedBytesPerEvent: collected === 0 ? Math.round(grown / events) : `not measured: ${collected} GCs ran`,
      keptBytesPerQueuedEvent: Math.round(kept / events),
    }),
  );
  clients.push(client); // what it holds stays in the next run's baseline
}

await run("warm-up");
await run("measured");
await run("measured");
