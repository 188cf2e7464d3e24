/**
 * Cold start, what a serverless function or a short job pays before its first event is delivered: each
 * subject in a fresh process (src/cold-start-child.ts) imports its SDK, creates a client, logs one
 * 10-feature prediction and awaits its flush. CPU (user + system) and wall time from before the import to
 * the flush; the median of COLD_STARTS processes per subject, run interleaved so drifting load falls on all.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { SUBJECTS } from "../config.js";
import { emit, median, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { loadSubject } from "../subjects/index.js";

const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 7);
const here = new URL(".", import.meta.url).pathname;
const run = promisify(execFile);

const collector = await startPeerCollector();
const figures = new Map<string, { cpuMs: number[]; wallMs: number[] }>(
  SUBJECTS.map((s) => [s, { cpuMs: [], wallMs: [] }]),
);
for (let round = 0; round < COLD_STARTS; round++) {
  for (const s of SUBJECTS) {
    collector.reset();
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", join(here, "..", "cold-start-child.ts"), s, collector.base],
      { cwd: join(here, "..", ".."), timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split("\n").pop() as string) as { cpuMs: number; wallMs: number };
    if (collector.counts().delivered !== 1) throw new Error(`cold start ${s}: the event did not arrive`);
    const f = figures.get(s) as { cpuMs: number[]; wallMs: number[] };
    f.cpuMs.push(result.cpuMs);
    f.wallMs.push(result.wallMs);
  }
}
await collector.close();

const rows: Row[] = [];
for (const s of SUBJECTS) {
  const subject = await loadSubject(s);
  const f = figures.get(s) as { cpuMs: number[]; wallMs: number[] };
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms`;
  process.stderr.write(`  cold start ${s}: CPU ${f.cpuMs.map((x) => x.toFixed(0)).join("/")} ms\n`);
  rows.push(
    {
      metric: "cold start: import, create, first event delivered (CPU)",
      subject: subject.name,
      value: median(f.cpuMs),
      unit: "ms",
      better: "lower",
      note: `median of ${COLD_STARTS} fresh processes (${range(f.cpuMs)})`,
    },
    {
      metric: "cold start: import, create, first event delivered (wall)",
      subject: subject.name,
      value: median(f.wallMs),
      unit: "ms",
      better: "lower",
      note: `median of ${COLD_STARTS} fresh processes (${range(f.wallMs)})`,
    },
  );
}
emit("cold-start", rows);
