/**
 * Hot path: every synchronous logging call for a prediction-shaped event (10 features, top-3),
 * timed one by one minus the timer's own cost, over several runs after a warm-up, each subject
 * in its own process delivering to the local collector as in production. Reported: the median,
 * the mean (every call counted, including the calls that do batch work inline), p99, p99.9 and
 * the worst call (also less the time the calling thread waited for a CPU, from Linux schedstat: on
 * a 2-core machine shared with the collector, a call can wait a scheduler slice for a core that
 * another process holds; that wait is what the machine adds, not what the SDK does); the longest
 * garbage-collection pauses during the calls (a pause inside a call is part of its time: V8 pauses in
 * whichever call allocates when the young generation is full), the worst of the calls that held no
 * pause, and how many calls took 1 ms or more less the wait and how many of them held one; and the
 * whole process's CPU per event from the first call until flush resolved, which includes the work an
 * SDK defers past the call (serialization, compression, HTTP).
 */
import { hotPathOptions, SUBJECTS } from "../config.js";
import { emit, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject } from "../subjects/index.js";

interface HotPath {
  medianNs: number;
  meanNs: number;
  p99Ns: number;
  p999Ns: number;
  worstNs: number;
  /** The worst call less the time its thread waited for a CPU (Linux schedstat); null elsewhere. */
  worstLessRunQueueWaitNs: number | null;
  /** The same, over the calls that held no garbage-collection pause: the SDK's own worst. */
  worstOutsideGcLessRunQueueWaitNs: number | null;
  /** Calls of 1 ms or more less the thread's wait for a CPU, and how many of them held a garbage-collection pause. */
  callsOver1ms: number;
  callsOver1msHoldingGc: number;
  /** The longest scavenge and mark-compact pauses during the timed calls (perf_hooks "gc" entries). */
  worstMinorGcNs: number;
  worstMajorGcNs: number;
  cpuNsPerEvent: number;
}

const figures: { key: keyof HotPath; metric: string; unit: string }[] = [
  { key: "meanNs", metric: "logging call: mean", unit: "ns/call" },
  { key: "medianNs", metric: "logging call: median", unit: "ns/call" },
  { key: "p99Ns", metric: "logging call: p99", unit: "ns/call" },
  { key: "p999Ns", metric: "logging call: p99.9", unit: "ns/call" },
  { key: "worstNs", metric: "logging call: worst", unit: "ns/call" },
  {
    key: "worstLessRunQueueWaitNs",
    metric: "logging call: worst, less the thread's wait for a CPU",
    unit: "ns/call",
  },
  {
    key: "worstOutsideGcLessRunQueueWaitNs",
    metric: "logging call: worst of those that held no GC pause, less the thread's wait for a CPU",
    unit: "ns/call",
  },
  { key: "callsOver1ms", metric: "logging calls of 1 ms or more, less the thread's wait for a CPU", unit: "calls" },
  {
    key: "callsOver1msHoldingGc",
    metric: "logging calls of 1 ms or more, less the wait, that held a GC pause",
    unit: "calls",
  },
  { key: "worstMinorGcNs", metric: "longest scavenge (young-generation GC) pause during the calls", unit: "ns" },
  { key: "worstMajorGcNs", metric: "longest mark-compact (full GC) pause during the calls", unit: "ns" },
  { key: "cpuNsPerEvent", metric: "process CPU per event, call to delivered (tight loop)", unit: "ns/event" },
];

const collector = await startPeerCollector();
const rows: Row[] = [];
for (const s of SUBJECTS) {
  const name = (await loadSubject(s)).name;
  const child = await runChild<HotPath>("hot-path", s, hotPathOptions(collector.base), { timeoutMs: 300_000 });
  const r = child.result;
  process.stderr.write(`  hot-path ${s}: ${r ? JSON.stringify(r) : child.error}\n`);
  for (const f of figures)
    rows.push({
      metric: f.metric,
      subject: name,
      value: r ? r[f.key] : null,
      unit: f.unit,
      better: "lower",
      ...(r ? {} : { note: `not measured: ${child.error?.split("\n")[0]}` }),
    });
  collector.reset();
}
await collector.close();
emit("hot-path", rows);
