/**
 * `tsx src/profile-steady.ts [rate] [subject]`: one steady-rate run of one subject with V8 CPU
 * profiles written to /tmp/bench-prof (see BENCH_CPU_PROF in spawn.ts), to see where the app's
 * CPU per delivered event goes.
 */
import { BATCH, STEADY_MS } from "./config.js";
import { startPeerCollector } from "./peer-collector.js";
import { runChild } from "./spawn.js";
import type { SubjectName } from "./subjects/index.js";

const rate = Number(process.argv[2] ?? 10_000);
const subject = (process.argv[3] ?? "inferlog") as SubjectName;
process.env.BENCH_CPU_PROF ??= "/tmp/bench-prof";
const collector = await startPeerCollector();
const total = Math.round((rate * STEADY_MS) / 1000);
const child = await runChild<{ cpuMicrosTotal: number }>("steady", subject, {
  base: collector.base,
  batchSize: BATCH,
  maxQueue: total,
  events: total,
  rate,
  durationMs: STEADY_MS,
});
const c = collector.counts();
process.stdout.write(
  `${subject} ${rate}/s: ${c.delivered}/${total} delivered, ${child.result ? (child.result.cpuMicrosTotal / c.delivered).toFixed(1) : child.error} µs/event; profiles in ${process.env.BENCH_CPU_PROF}\n`,
);
await collector.close();
