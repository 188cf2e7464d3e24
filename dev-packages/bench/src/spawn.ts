/** Runs one subject's task in a fresh Node process (see child.ts) and relays its IPC messages. */
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildOptions } from "./child.js";
import type { SubjectName } from "./subjects/index.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface ChildRun<R> {
  /** performance.now() in the parent when the child said it is about to make its first call. */
  startAt: number;
  result: R | undefined;
  error: string | undefined;
  /** SDK chatter on stderr, kept for the report when something fails. */
  stderr: string;
}

let children = 0;
/**
 * `BENCH_CPU_PROF=<dir>`: each child writes V8 CPU profiles to `<dir>/<task>-<subject>-<n>/` (the
 * largest file is the main thread), to see what holds a figure back. `BENCH_PERF=1` adds
 * `--perf-basic-prof`, so Linux `perf` can name JIT-compiled functions (see profile-steady.ts).
 */
const profileArgs = (task: string, subject: string): string[] => {
  const dir = process.env.BENCH_CPU_PROF;
  const perf = process.env.BENCH_PERF ? ["--perf-basic-prof", "--logfile=/dev/null"] : [];
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${join(dir, `${task}-${subject}-${++children}`)}`, ...perf] : perf;
};

export function runChild<R = Record<string, unknown>>(
  task: string,
  subject: SubjectName | "limit",
  opts: ChildOptions,
  hooks: { onStart?: (send: (m: object) => void, pid: number) => void; timeoutMs?: number } = {},
): Promise<ChildRun<R>> {
  return new Promise((resolve) => {
    const child = fork(join(here, "child.ts"), [task, subject, JSON.stringify(opts)], {
      execArgv: [
        "--import",
        "tsx",
        "--expose-gc",
        ...profileArgs(task, subject),
        ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
      ],
      cwd: join(here, ".."),
      stdio: ["ignore", process.env.BENCH_CHILD_STDOUT ? "inherit" : "ignore", "pipe", "ipc"],
    });
    const run: ChildRun<R> = { startAt: Number.NaN, result: undefined, error: undefined, stderr: "" };
    child.stderr?.on("data", (d: Buffer) => {
      run.stderr = (run.stderr + d.toString()).slice(-4000);
    });
    const timer = setTimeout(() => {
      run.error = `timed out after ${hooks.timeoutMs ?? 120_000} ms`;
      child.kill("SIGKILL");
    }, hooks.timeoutMs ?? 120_000);
    child.on("message", (m: { type: string; result?: R; message?: string }) => {
      if (m.type === "start") {
        run.startAt = performance.now();
        hooks.onStart?.((msg) => child.send(msg), child.pid as number);
      } else if (m.type === "result") run.result = m.result;
      else if (m.type === "error") run.error = m.message;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!run.result && !run.error) run.error = `exited with code ${code}: ${run.stderr.slice(-500)}`;
      resolve(run);
    });
  });
}
