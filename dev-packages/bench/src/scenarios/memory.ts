/**
 * Memory: the collector refuses connections (its port is closed) while each subject, with its
 * default queue settings and the common batch size, logs 100,000 events; heap and RSS growth
 * are measured after GC. A second 100,000 events then show whether the queue is bounded: a
 * bounded queue stops growing (growth under 10% of the first round's, or under 2 MiB).
 * For inferlog, the events it holds are also checked against its configured bound.
 */
import { BATCH, MEMORY_EVENTS as N, SUBJECTS } from "../config.js";
import { emit, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject } from "../subjects/index.js";

interface Mem {
  heap: number;
  rss: number;
}
interface Result {
  before: Mem;
  after1: Mem;
  after2: Mem;
  peakRss: number;
  held?: { held: number; bound: number };
}

const collector = await startPeerCollector();
await collector.setMode("refuse");
const rows: Row[] = [];
for (const s of SUBJECTS) {
  const name = (await loadSubject(s)).name;
  const child = await runChild<Result>(
    "memory",
    s,
    { base: collector.base, batchSize: BATCH, events: N },
    { timeoutMs: 300_000 },
  );
  const r = child.result;
  process.stderr.write(`  memory ${s}: ${JSON.stringify(r) ?? child.error}\n`);
  if (!r) {
    const note = `not measured: ${child.error?.split("\n")[0]}`;
    rows.push({
      metric: "heap growth, 100k events, collector refusing",
      subject: name,
      value: null,
      unit: "MiB",
      better: "lower",
      note,
    });
    continue;
  }
  const heap1 = r.after1.heap - r.before.heap;
  const heap2 = r.after2.heap - r.after1.heap;
  const bounded = heap2 < Math.max(2, 0.1 * heap1);
  const within = r.held ? r.held.held <= r.held.bound : undefined;
  rows.push(
    {
      metric: "heap growth, 100k events, collector refusing",
      subject: name,
      value: heap1,
      unit: "MiB",
      better: "lower",
      note: `${bounded ? "bounded" : "UNBOUNDED"}: next 100k add ${heap2.toFixed(1)} MiB${
        r.held ? `; holds ${r.held.held} events, bound ${r.held.bound}${within ? "" : " EXCEEDED"}` : ""
      }`,
    },
    {
      metric: "RSS growth, 100k events, collector refusing",
      subject: name,
      value: r.after1.rss - r.before.rss,
      unit: "MiB",
      better: "lower",
      note: `peak +${(r.peakRss - r.before.rss).toFixed(1)} MiB over 200k`,
    },
    {
      metric: "heap growth over the next 100k events (0 = bounded queue)",
      subject: name,
      value: Math.max(0, heap2),
      unit: "MiB",
      better: "lower",
      ...(within === false ? { note: "EXCEEDED its configured bound" } : {}),
    },
  );
  if (r.held)
    rows.push({
      metric: "events held / configured queue bound",
      subject: name,
      value: r.held.held / r.held.bound,
      unit: "ratio",
      better: "lower",
      note: `${r.held.held} held, bound ${r.held.bound} (maxQueueSize + concurrency × flushAt)`,
    });
}
await collector.setMode("ok");
await collector.close();
emit("memory", rows);
