/**
 * The longest single `log*` call in a tight loop: `logPrediction` 100,000 times with 10 and with
 * 1,000 features in a fresh process, default options, an in-process transport that accepts
 * everything, never yielding (so nothing is sent: the queue fills and the rest are dropped, as
 * counted) unless `yieldEvery` says to yield to the event loop every that many calls.
 * `pnpm --filter @inferlog/bench exec tsx --conditions=source src/call-stall.ts [calls] [yieldEvery] [features,...]`
 * (features: 10,1000 unless given). `BENCH_CORE_ENTRY=<path of a core entry>` measures another copy of
 * the core (the sources of an earlier commit, say), for A/B runs.
 *
 * Every call is timed on three clocks at once, and none is left out:
 * - wall: `performance.now()` around the call. What the caller waits for: the goal (worst call
 *   <= 1 ms) is judged on it.
 * - wall minus run-queue wait: the wall time less the time the calling thread was ready to run but
 *   had no CPU (Linux schedstat). On a machine shared with other busy processes that wait is theirs,
 *   not the SDK's; what is left estimates the wall time of a quiet machine (an upper bound still:
 *   a GC helper thread held up by the load keeps the caller waiting without it counting as wait).
 * - process CPU: `process.cpuUsage()`, every thread's. It counts V8's compiler and GC threads,
 *   which work beside the caller without blocking it, so it is no measure of a stall; shown
 *   because earlier figures used it. (The calling thread's own CPU time has no per-call clock on
 *   Node 20: see run-queue-clock.ts.)
 * The worst calls are listed with the garbage collections that ran during them, and every
 * collection of the run is summed by kind: fewer bytes allocated per event means fewer of them.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type * as Core from "@inferlog/core";
import type { Transport } from "@inferlog/core";
import { mean } from "./measure.js";
import { openRunQueueClock } from "./run-queue-clock.js";

const calls = Number(process.argv[2] ?? 100_000);
const yieldEvery = Number(process.argv[3] ?? 0);
const featureCounts = (process.argv[4] ?? "10,1000").split(",").map(Number);
const WORST_LISTED = 5;
const otherCore = process.env.BENCH_CORE_ENTRY;
const { createClient }: typeof Core = otherCore
  ? await import(pathToFileURL(otherCore).href)
  : await import("@inferlog/core");

const accepting: Transport = { send: async () => ({ kind: "ok" }) };
const runQueue = openRunQueueClock();
if (!runQueue) console.error("no /proc/thread-self/schedstat: run-queue wait not measured (taken as 0)");

interface Collection {
  start: number;
  end: number;
  kind: string;
}
const collections: Collection[] = [];
const GC_KINDS: Record<number, string> = {
  1: "scavenge",
  2: "mark-compact (minor)",
  4: "mark-compact",
  8: "incremental marking",
  16: "weak callbacks",
};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
    collections.push({
      start: entry.startTime,
      end: entry.startTime + entry.duration,
      kind: GC_KINDS[kind] ?? `kind ${kind}`,
    });
  }
}).observe({ entryTypes: ["gc"] });

function featuresOf(n: number): Record<string, number | string> {
  const features: Record<string, number | string> = {};
  for (let i = 0; i < n; i++) features[`feature_${i}`] = i % 3 === 0 ? `v${i}` : i * 0.5;
  return features;
}

/** The clocks for one call, in ms. */
function timed(call: () => void, at: number, clocks: Clocks): void {
  const waited = runQueue?.waitedNs() ?? 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  call();
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  clocks.startedAt[at] = start;
  clocks.wall[at] = end - start;
  clocks.process[at] = (cpu.user + cpu.system) / 1000;
  clocks.waited[at] = ((runQueue?.waitedNs() ?? 0) - waited) / 1e6;
}

interface Clocks {
  startedAt: Float64Array;
  wall: Float64Array;
  process: Float64Array;
  waited: Float64Array;
}
const clocksFor = (n: number): Clocks => ({
  startedAt: new Float64Array(n),
  wall: new Float64Array(n),
  process: new Float64Array(n),
  waited: new Float64Array(n),
});

async function worstCall(featureCount: number) {
  const collectedBefore = collections.length;
  const client = createClient({ transport: accepting, source: "bench", model: { name: "m", version: "1" } });
  const input = { output: { label: "billing", score: 0.9 }, features: featuresOf(featureCount) };
  const log = () => {
    client.logPrediction(input);
  };
  const clocks = clocksFor(calls);
  for (let i = 0; i < calls; i++) {
    timed(log, i, clocks);
    if (yieldEvery > 0 && i % yieldEvery === yieldEvery - 1) await new Promise(setImmediate);
  }
  const stats = client.stats();
  await client.shutdown({ timeoutMs: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the GC observer reports
  const wall = [...clocks.wall];
  const unloaded = wall.map((ms, i) => Math.max(0, ms - (clocks.waited[i] as number)));
  const processCpu = [...clocks.process];
  const worst = wall
    .map((ms, i) => ({ ms, i }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, WORST_LISTED)
    .map(({ i }) => ({
      call: i,
      wallMs: round(wall[i] as number),
      runQueueWaitMs: round(clocks.waited[i] as number),
      processCpuMs: round(processCpu[i] as number),
      gcDuring: gcDuring(clocks.startedAt[i] as number, (clocks.startedAt[i] as number) + (wall[i] as number)),
    }));
  return {
    features: featureCount,
    calls,
    yieldEvery,
    judgedOn: "wall",
    wall: summary(wall),
    wallMinusRunQueueWait: summary(unloaded),
    processCpu: summary(processCpu),
    firstCall: { wallMs: round(wall[0] as number), wallMinusRunQueueWaitMs: round(unloaded[0] as number) },
    worstCalls: worst,
    collections: byKind(collections.slice(collectedBefore)),
    dropped: stats.dropped,
  };
}

function gcDuring(start: number, end: number): string[] {
  return collections
    .filter((gc) => gc.start < end && gc.end > start)
    .map((gc) => `${gc.kind} ${round(gc.end - gc.start)} ms`);
}

/** Every collection of a run by kind: how many, their total and their longest pause. */
function byKind(run: Collection[]) {
  const kinds: Record<string, { count: number; totalMs: number; longestMs: number }> = {};
  for (const gc of run) {
    kinds[gc.kind] ??= { count: 0, totalMs: 0, longestMs: 0 };
    const kind = kinds[gc.kind] as { count: number; totalMs: number; longestMs: number };
    kind.count++;
    kind.totalMs = round(kind.totalMs + gc.end - gc.start);
    kind.longestMs = round(Math.max(kind.longestMs, gc.end - gc.start));
  }
  return kinds;
}

const round = (value: number): number => Number(value.toFixed(3));

function summary(durations: number[]) {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
  let over = 0;
  let lastOver = -1;
  for (let i = 0; i < durations.length; i++)
    if ((durations[i] as number) > 1) {
      over++;
      lastOver = i;
    }
  return {
    worstMs: round(sorted[sorted.length - 1] as number),
    p999Ms: at(0.999),
    p99Ms: at(0.99),
    meanUs: Number((mean(sorted) * 1000).toFixed(2)),
    callsOver1Ms: over,
    lastCallOver1Ms: lastOver,
  };
}

for (const featureCount of featureCounts) console.log(JSON.stringify(await worstCall(featureCount)));
runQueue?.close();
