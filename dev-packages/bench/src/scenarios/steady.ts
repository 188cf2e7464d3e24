/**
 * Steady rates: each subject (own process) logs at a fixed rate for a few seconds, paced by a
 * 10 ms timer as requests would arrive on a server, then flushes. The figure is what the app
 * pays: the whole child process's CPU (user + system) from the first call until flush resolved,
 * over the events the collector holds. Only runs where every event arrived count; runs are
 * interleaved across subjects so drifting load falls on all of them.
 */
import { BATCH, STEADY_MS, STEADY_RATES, STEADY_RUNS, SUBJECTS, sleep } from "../config.js";
import { emit, median, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject } from "../subjects/index.js";

interface Steady {
  logged: number;
  cpuMicrosTotal: number;
  elapsedMs: number;
}

const collector = await startPeerCollector();
const rows: Row[] = [];
for (const rate of STEADY_RATES) {
  const total = Math.round((rate * STEADY_MS) / 1000);
  const perEvent = new Map<string, number[]>();
  const failures = new Map<string, string>();
  for (let run = 0; run < STEADY_RUNS; run++) {
    for (const s of SUBJECTS) {
      collector.reset();
      const child = await runChild<Steady>(
        "steady",
        s,
        { base: collector.base, batchSize: BATCH, maxQueue: total, events: total, rate, durationMs: STEADY_MS },
        { timeoutMs: 120_000 },
      );
      await Promise.race([collector.waitFor(total), sleep(2_000)]);
      const c = collector.counts();
      const r = child.result;
      if (!r) failures.set(s, `child failed: ${child.error?.split("\n")[0]}`);
      else if (c.delivered < total) failures.set(s, `delivered ${c.delivered} of ${total}`);
      else perEvent.set(s, [...(perEvent.get(s) ?? []), r.cpuMicrosTotal / c.delivered]);
      process.stderr.write(
        `  steady ${rate}/s run ${run} ${s}: ${c.delivered}/${total}, ${r ? `${(r.cpuMicrosTotal / 1000).toFixed(0)} ms CPU in ${r.elapsedMs.toFixed(0)} ms` : child.error}\n`,
      );
    }
  }
  for (const s of SUBJECTS) {
    const xs = perEvent.get(s) ?? [];
    const bad = failures.get(s);
    rows.push({
      metric: `app CPU per delivered event at ${rate.toLocaleString("en-US")} events/s`,
      subject: (await loadSubject(s)).name,
      value: xs.length ? median(xs) : null,
      unit: "µs/event",
      better: "lower",
      note: `${STEADY_MS / 1000} s, median of ${xs.length} run(s) that delivered every event${xs.length ? `: ${xs.map((x) => x.toFixed(1)).join(", ")}` : ""}`,
      ...(bad ? { excluded: bad, note: bad } : {}),
    });
  }
}
await collector.close();
emit("steady", rows);
