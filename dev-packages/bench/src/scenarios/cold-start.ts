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

/** A subject's runs; `error`: why the last failed run failed (failed runs are left out, and the note says so). */
interface Figures {
  cpuMs: number[];
  wallMs: number[];
  error?: string;
}

const collector = await startPeerCollector();
const figures = new Map<string, Figures>(SUBJECTS.map((s) => [s, { cpuMs: [], wallMs: [] }]));
for (let round = 0; round < COLD_STARTS; round++) {
  for (const s of SUBJECTS) {
    collector.reset();
    const f = figures.get(s) as Figures;
    try {
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", join(here, "..", "cold-start-child.ts"), s, collector.base],
        { cwd: join(here, "..", ".."), timeout: 60_000 },
      );
      const result = JSON.parse(stdout.trim().split("\n").pop() as string) as { cpuMs: number; wallMs: number };
      if (collector.counts().delivered !== 1) throw new Error("its event did not arrive");
      f.cpuMs.push(result.cpuMs);
      f.wallMs.push(result.wallMs);
    } catch (error) {
      f.error = String((error as Error).message).split("\n")[0] ?? "";
    }
  }
}
await collector.close();

const rows: Row[] = [];
for (const s of SUBJECTS) {
  const subject = await loadSubject(s);
  const f = figures.get(s) as Figures;
  const note = (xs: number[]) => {
    if (xs.length === 0) return `every run failed: ${f.error}`;
    const range = `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms`;
    const failed = COLD_STARTS - xs.length;
    return `median of ${xs.length} fresh processes (${range})${failed > 0 ? `; ${failed} failed: ${f.error}` : ""}`;
  };
  process.stderr.write(`  cold start ${s}: CPU ${f.cpuMs.map((x) => x.toFixed(0)).join("/")} ms ${f.error ?? ""}\n`);
  for (const [what, xs] of [
    ["CPU", f.cpuMs],
    ["wall", f.wallMs],
  ] as const) {
    rows.push({
      metric: `cold start: import, create, first event delivered (${what})`,
      subject: subject.name,
      value: xs.length > 0 ? median(xs) : null,
      unit: "ms",
      better: "lower",
      note: note(xs),
    });
  }
}
emit("cold-start", rows);
