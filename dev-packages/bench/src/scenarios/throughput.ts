/**
 * Throughput and wire bytes: each subject (own process) logs N prediction events as fast as
 * it accepts them, interleaving with the event loop every 1,024 calls, then flushes. The rate
 * is N over the time from the child's first call to the moment the collector holds all N
 * distinct events. The limit is a bare loop posting the same events pre-serialized and
 * compressed (brotli, as inferlog sends them), in the same batch size over 4 keep-alive
 * connections (inferlog's default concurrency).
 */
import { BATCH, THROUGHPUT_EVENTS as N, SUBJECTS, sleep, THROUGHPUT_RUNS } from "../config.js";
import { emit, median, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject } from "../subjects/index.js";

const collector = await startPeerCollector();
const subjects = [...SUBJECTS, "limit"] as const;
const rates = new Map<string, number[]>(subjects.map((s) => [s, []]));
const wire = new Map<string, number[]>(subjects.map((s) => [s, []]));
const lost = new Map<string, string>();
const errors = new Map<string, string>();

for (let run = 0; run < THROUGHPUT_RUNS; run++) {
  // Subjects interleaved run by run, so drifting load on the shared machine falls on all of them.
  for (const s of subjects) {
    collector.reset();
    let doneAt = Number.NaN;
    let all: Promise<number> | undefined;
    const child = await runChild(
      s === "limit" ? "limit" : "throughput",
      s,
      { base: collector.base, batchSize: BATCH, maxQueue: N, events: N },
      {
        onStart: () => {
          all = collector.waitFor(N).then((t) => (doneAt = t));
        },
      },
    );
    // The child exits after its flush; give stragglers a moment, never forever.
    if (all) await Promise.race([all, sleep(3_000)]);
    const c = collector.counts();
    if (child.error) errors.set(s, child.error.split("\n")[0] as string);
    else if (c.delivered < N) lost.set(s, `delivered ${c.delivered} of ${N}`);
    else rates.get(s)?.push(N / ((doneAt - child.startAt) / 1000));
    if (c.received > 0) wire.get(s)?.push(c.wireBytes / c.received);
    process.stderr.write(`  throughput run ${run} ${s}: ${c.delivered}/${N} ${child.error ?? ""}\n`);
  }
}
await collector.close();

const rows: Row[] = [];
for (const s of subjects) {
  const name = s === "limit" ? "bare loop, pre-serialized (limit)" : (await loadSubject(s)).name;
  const r = rates.get(s) ?? [];
  const w = wire.get(s) ?? [];
  const bad = errors.get(s) ?? lost.get(s);
  rows.push({
    metric: "throughput, all events delivered",
    subject: name,
    value: r.length ? median(r) : null,
    unit: "events/s",
    better: "higher",
    ...(s === "limit" ? { reference: true, note: `${BATCH}/request, 4 connections, brotli precomputed` } : {}),
    ...(bad ? { excluded: bad, note: bad } : {}),
  });
  if (s !== "limit")
    rows.push({
      metric: "wire bytes per event",
      subject: name,
      value: w.length ? median(w) : null,
      unit: "B (request bodies)",
      better: "lower",
    });
}
emit("throughput", rows);
