import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** When each stdout line was first seen (ms since the epoch), by its text. */
  seenAt: Map<string, number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Runs test/fixtures/app.ts in `mode` with tsx, resolving workspace packages to their sources. */
export function run(mode: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "test/fixtures/app.ts", mode], {
    cwd: pkg,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const seenAt = new Map<string, number>();
  child.stdout?.on("data", (d) => {
    const now = Date.now();
    out += d;
    for (const line of out.split("\n").slice(0, -1)) if (!seenAt.has(line)) seenAt.set(line, now);
  });
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, stdout: () => out, stderr: () => err, seenAt, exited };
}

export async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
