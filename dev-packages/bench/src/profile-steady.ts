/**
 * `tsx src/profile-steady.ts [rate] [subject]`: one steady-rate run of one subject with V8 CPU
 * profiles written to /tmp/bench-prof (see BENCH_CPU_PROF in spawn.ts), to see where the app's
 * CPU per delivered event goes (profile-breakdown.ts sorts a profile by kind of work).
 *
 * V8's profiler samples wall time, so on a loaded machine a thread that waits for a core inflates
 * whatever it was doing (a socket write that wakes the collector shows up large). With
 * `BENCH_PERF=<file>` Linux `perf record` samples the child's CPU time instead (all its threads,
 * kernel included) from its first logging call to its exit, into `<file>`; sort it by kind of work
 * with `perf script -i <file> | tsx src/perf-breakdown.ts`. `BENCH_STRACE=<file>` counts the
 * child's system calls instead (`strace -c`); `BENCH_NODE_FLAGS` adds V8 flags to the child
 * (`--trace-opt --trace-deopt`, `--trace-gc`) and `BENCH_CHILD_STDOUT=1` shows what they print.
 */
import { spawn } from "node:child_process";
import { BATCH, STEADY_MS } from "./config.js";
import { startPeerCollector } from "./peer-collector.js";
import { runChild } from "./spawn.js";
import type { SubjectName } from "./subjects/index.js";

const rate = Number(process.argv[2] ?? 10_000);
const subject = (process.argv[3] ?? "inferlog") as SubjectName;
const perfFile = process.env.BENCH_PERF;
if (!perfFile) process.env.BENCH_CPU_PROF ??= "/tmp/bench-prof";
const collector = await startPeerCollector();
const total = Math.round((rate * STEADY_MS) / 1000);
/** The recorder's exit, awaited after the child's: it writes its file when the child is gone. */
let recorded: Promise<unknown> | undefined;
const child = await runChild<{ cpuMicrosTotal: number }>(
  "steady",
  subject,
  { base: collector.base, batchSize: BATCH, maxQueue: total, events: total, rate, durationMs: STEADY_MS },
  {
    onStart: (_, pid) => {
      const args = process.env.BENCH_STRACE
        ? ["strace", "-f", "-c", "-p", String(pid), "-o", process.env.BENCH_STRACE]
        : perfFile
          ? ["perf", "record", "-F", "1999", "-g", "-p", String(pid), "-o", perfFile]
          : undefined;
      if (!args) return;
      const recorder = spawn(args[0] as string, args.slice(1), { stdio: "ignore" });
      recorded = new Promise((resolve) => {
        recorder.on("exit", resolve);
        recorder.on("error", resolve);
      });
    },
  },
);
await recorded;
const c = collector.counts();
process.stdout.write(
  `${subject} ${rate}/s: ${c.delivered}/${total} delivered, ${child.result ? (child.result.cpuMicrosTotal / c.delivered).toFixed(1) : child.error} µs/event; ${perfFile ? `perf data in ${perfFile}` : `profiles in ${process.env.BENCH_CPU_PROF}`}\n`,
);
await collector.close();
