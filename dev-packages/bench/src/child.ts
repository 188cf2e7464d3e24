/**
 * One subject, one task, one fresh process: `child.ts <task> <subject> <json options>`.
 * Talks to the parent scenario over IPC: `{type:"start"}` right before the first logging
 * call, `{type:"result", ...}` at the end. The collector lives in the parent.
 */
import { Agent, request } from "node:http";
import { PerformanceObserver, constants as perfConstants } from "node:perf_hooks";
import { uuidv7 } from "@inferlog/core";
import { callsHoldingPause, cpuMicros, mean, median, nowNs, quantile } from "./measure.js";
import { brotliAsNode } from "./node-brotli.js";
import { features, output, prediction } from "./prediction.js";
import { openRunQueueClock } from "./run-queue-clock.js";
import { loadSubject, type SubjectName } from "./subjects/index.js";
import type { Instance } from "./subjects/subject.js";

export interface ChildOptions {
  base: string;
  batchSize: number;
  maxQueue?: number | undefined;
  events: number;
  runs?: number;
  /** steady: events per second; outage: unused. */
  rate?: number;
  /** steady: how long to log; outage: the span over which the events are logged. */
  durationMs?: number;
  /** A directory for subjects that keep a disk spool (inferlog-spool). */
  spoolDir?: string;
}

const [task, name, json] = process.argv.slice(2) as [string, SubjectName, string];
const opts = JSON.parse(json) as ChildOptions;
const send = (m: object) => new Promise<void>((r) => process.send?.(m, () => r()));
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const waitFor = (type: string) =>
  new Promise<void>((r) => process.on("message", (m: { type?: string }) => m.type === type && r()));

async function instance(): Promise<Instance> {
  const s = await loadSubject(name);
  return s.create({
    base: opts.base,
    batchSize: opts.batchSize,
    maxQueue: opts.maxQueue,
    ...(opts.spoolDir ? { spoolDir: opts.spoolDir } : {}),
  });
}

/**
 * Every synchronous logging call timed one by one (minus the timer's own cost), yielding every
 * 1,024 calls as a server would; plus the process CPU from the first call until everything
 * logged has been delivered (flush), which includes whatever work the SDK defers past the call.
 */
async function hotPath() {
  const sdk = await instance();
  const empty: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const t0 = nowNs();
    empty.push(nowNs() - t0);
  }
  const timerNs = median(empty);
  const inputs = Array.from({ length: 1024 }, (_, i) => prediction(i));
  // Read outside the timed window, so the reading adds nothing to the call's time.
  const runQueue = openRunQueueClock();
  const run = async (n: number) => {
    const xs: number[] = new Array(n);
    const waits: number[] = new Array(n);
    /** Calls of SLOW_CALL_NS or more: [index, when they ended (performance.now(), read after the timed window)]. */
    const slow: [number, number][] = [];
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const p = inputs[i & 1023] as (typeof inputs)[number];
      const waited = runQueue?.waitedNs() ?? 0;
      const t0 = nowNs();
      sdk.log(p);
      xs[i] = Math.max(0, nowNs() - t0 - timerNs);
      waits[i] = (runQueue?.waitedNs() ?? 0) - waited;
      if ((xs[i] as number) >= SLOW_CALL_NS) slow.push([i, performance.now()]);
      if ((i & 1023) === 1023) await tick(); // let background work run, as a server would
    }
    await sdk.flush();
    return { calls: xs, waits, slow, cpuNsPerEvent: (cpuMicros(cpuStart) * 1000) / n };
  };
  await run(opts.events); // warm-up
  const calls: number[] = [];
  const unwaited: number[] = [];
  /** Less the wait, the calls that held no garbage-collection pause. */
  const unwaitedOutsideGc: number[] = [];
  /** Calls of 1 ms or more less the wait, and of them those that held a pause. */
  let over1ms = 0;
  let over1msHoldingGc = 0;
  const cpu: number[] = [];
  const gcPauses = watchGcPauses();
  for (let r = 0; r < (opts.runs ?? 5); r++) {
    const one = await run(opts.events);
    const heldGc = callsHoldingPause(one.slow, one.calls, gcPauses.pauses());
    for (const [i, x] of one.calls.entries()) {
      calls.push(x);
      const less = Math.max(0, x - (one.waits[i] as number));
      unwaited.push(less);
      if (!heldGc.has(i)) unwaitedOutsideGc.push(less);
      if (less >= 1e6) {
        over1ms++;
        if (heldGc.has(i)) over1msHoldingGc++;
      }
    }
    cpu.push(one.cpuNsPerEvent);
  }
  const gc = gcPauses.stop();
  await sdk.shutdown();
  runQueue?.close();
  return {
    worstLessRunQueueWaitNs: runQueue ? Math.max(...unwaited) : null,
    worstOutsideGcLessRunQueueWaitNs: runQueue ? Math.max(...unwaitedOutsideGc) : null,
    callsOver1ms: over1ms,
    callsOver1msHoldingGc: over1msHoldingGc,
    worstMinorGcNs: gc.minor,
    worstMajorGcNs: gc.major,
    medianNs: median(calls),
    meanNs: mean(calls),
    p99Ns: quantile(calls, 0.99),
    p999Ns: quantile(calls, 0.999),
    worstNs: Math.max(...calls),
    cpuNsPerEvent: median(cpu),
  };
}

/** A call this long or longer is checked against the garbage-collection pauses (shorter ones cannot hold one). */
const SLOW_CALL_NS = 100_000;

/**
 * The longest garbage-collection pauses of this process's main thread while watched, in ns: scavenges
 * (minor) and mark-compact (major), as V8 reports them to `perf_hooks`; and when each pause was
 * (`pauses()`: [start, end] in `performance.now()` ms, those delivered so far). A pause inside a call
 * is part of that call's time; this says how much of the worst call a collection can explain.
 */
function watchGcPauses(): { pauses(): [number, number][]; stop(): { minor: number; major: number } } {
  let minor = 0;
  let major = 0;
  const spans: [number, number][] = [];
  const take = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      const ns = entry.duration * 1e6;
      spans.push([entry.startTime, entry.startTime + entry.duration]);
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) minor = Math.max(minor, ns);
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) major = Math.max(major, ns);
    }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  return {
    pauses() {
      take(observer.takeRecords());
      return spans;
    },
    stop() {
      take(observer.takeRecords()); // the pauses not yet delivered to the callback
      observer.disconnect();
      return { minor, major };
    },
  };
}

/**
 * A steady rate: `opts.rate` events/s for `opts.durationMs`, paced by a 10 ms timer, then flush.
 * Returns the CPU this whole process spent from the first call until the flush resolved.
 */
async function steady() {
  const sdk = await instance();
  const rate = opts.rate ?? 1_000;
  const duration = opts.durationMs ?? 5_000;
  const total = Math.round((rate * duration) / 1000);
  await send({ type: "start" });
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  let logged = 0;
  while (logged < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
    while (logged < due) sdk.log(prediction(logged++));
    await sleep(10);
  }
  await sdk.flush();
  const cpuMicrosTotal = cpuMicros(cpuStart);
  const elapsedMs = performance.now() - t0;
  await sdk.shutdown();
  return { logged, cpuMicrosTotal, elapsedMs };
}

/** Log N events, interleaving with the event loop, then flush; the parent times delivery. */
async function throughput() {
  const sdk = await instance();
  await send({ type: "start" });
  const t0 = performance.now();
  for (let i = 0; i < opts.events; i++) {
    sdk.log(prediction(i));
    if ((i & 1023) === 0) await tick();
  }
  const loggedMs = performance.now() - t0;
  await sdk.flush();
  const flushedMs = performance.now() - t0;
  await sdk.shutdown();
  return { loggedMs, flushedMs };
}

/**
 * The limit for throughput: the same events as inferlog sends, already serialized and compressed
 * as @inferlog/node does by default (brotli quality 2), posted in the same batch size over the
 * same number of concurrent keep-alive connections.
 */
async function limit() {
  const concurrency = 4;
  const bodies: Buffer[] = [];
  for (let i = 0; i < opts.events; i += opts.batchSize) {
    const batch = [];
    for (let k = i; k < Math.min(i + opts.batchSize, opts.events); k++) {
      const id = uuidv7(Date.now());
      batch.push({
        specversion: "1.0",
        id,
        type: "ml.prediction",
        source: "bench",
        time: new Date().toISOString(),
        subject: id,
        data: { predictionId: id, model: { name: "router", version: "v1" }, output, features: features(k) },
      });
    }
    const json = JSON.stringify(batch);
    bodies.push(brotliAsNode(json));
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const url = new URL(`${opts.base}/v1/events`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          agent,
          headers: { "content-type": "application/cloudevents-batch+json", "content-encoding": "br" },
        },
        (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  await send({ type: "start" });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) await post(bodies[next++] as Buffer);
    }),
  );
  agent.destroy();
  return {};
}

/**
 * An outage beyond the memory bound: N events over ~3 s (paced every 10 ms) while the collector
 * fails (the parent picks how), then the parent restores it; the app keeps running until the
 * parent says the collector holds everything or its patience ran out, then shuts down.
 */
async function outage() {
  const sdk = await instance();
  const done = waitFor("done");
  await send({ type: "start" });
  const t0 = performance.now();
  const spanMs = opts.durationMs ?? 3_000;
  let logged = 0;
  while (logged < opts.events) {
    const due = Math.min(opts.events, Math.floor(((performance.now() - t0) * opts.events) / spanMs));
    while (logged < due) sdk.log(prediction(logged++));
    await sleep(10);
  }
  await done;
  return { shutdown: await sdk.shutdown() };
}

/** 1,000 events, the documented shutdown, then the process exits at once (a job or a deploy). */
async function exit() {
  const sdk = await instance();
  await send({ type: "start" });
  for (let i = 0; i < opts.events; i++) sdk.log(prediction(i));
  await sdk.shutdown();
  return {};
}

/** Heap and RSS growth while the collector refuses connections; a second batch of events shows whether it keeps growing. */
async function memory() {
  const sdk = await instance();
  const mib = () => {
    const m = process.memoryUsage();
    return { heap: m.heapUsed / 1048576, rss: m.rss / 1048576 };
  };
  const settle = async () => {
    await sleep(500);
    gc();
    await sleep(50);
    gc();
    return mib();
  };
  const logMany = async (from: number) => {
    let peakRss = 0;
    for (let i = from; i < from + opts.events; i++) {
      sdk.log(prediction(i));
      if ((i & 1023) === 0) {
        await tick();
        peakRss = Math.max(peakRss, process.memoryUsage().rss / 1048576);
      }
    }
    return peakRss;
  };
  const before = await settle();
  const peak1 = await logMany(0);
  const after1 = await settle();
  const peak2 = await logMany(opts.events);
  const after2 = await settle();
  const held = sdk.held?.();
  return { before, after1, after2, peakRss: Math.max(peak1, peak2, after2.rss), held };
}

const tasks: Record<string, () => Promise<object>> = {
  "hot-path": hotPath,
  steady,
  throughput,
  limit,
  outage,
  exit,
  memory,
};
const run = tasks[task];
if (!run) throw new Error(`unknown task ${task}`);
try {
  const result = await run();
  await send({ type: "result", result });
  process.exit(0);
} catch (e) {
  await send({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
}
