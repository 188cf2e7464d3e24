/**
 * Hot path: median ns of one synchronous logging call for a prediction-shaped event
 * (10 features, top-3), each subject in its own process, delivering to the local collector
 * as it would in production. Calls are timed one by one, minus the timer's own cost, over
 * several runs after a warm-up; the figure is the median of the runs' medians.
 * What this leaves out (work an SDK defers past the call) is in core-hot-path's
 * whole-pipeline figure and in throughput.
 */
import { BATCH, HOT_PATH_CALLS, HOT_PATH_RUNS, SUBJECTS } from "../config.js";
import { emit, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject } from "../subjects/index.js";

const collector = await startPeerCollector();
const rows: Row[] = [];
for (const s of SUBJECTS) {
  const name = (await loadSubject(s)).name;
  const child = await runChild<{ medianNs: number; runs: number[] }>(
    "hot-path",
    s,
    {
      base: collector.base,
      batchSize: BATCH,
      maxQueue: HOT_PATH_CALLS * (HOT_PATH_RUNS + 1),
      events: HOT_PATH_CALLS,
      runs: HOT_PATH_RUNS,
    },
    { timeoutMs: 300_000 },
  );
  const r = child.result;
  process.stderr.write(`  hot-path ${s}: ${r ? r.runs.map((x) => x.toFixed(0)).join(" ") : child.error}\n`);
  rows.push({
    metric: "logging call on the calling path",
    subject: name,
    value: r ? r.medianNs : null,
    unit: "ns/call (median)",
    better: "lower",
    ...(r ? {} : { note: `not measured: ${child.error?.split("\n")[0]}` }),
  });
  collector.reset();
}
await collector.close();
emit("hot-path", rows);
