/** Runs the real CLI (from sources, through tsx) as a child process, for kill and restart tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `inferlog-collector <args>`; resolves once it prints its listening line (or rejects with its output). */
export function spawnCli(args: string[], waitFor: RegExp | null = /listening on (\S+)/): Promise<Child> {
  const proc = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(pkg, "src/cli.ts"), ...args], {
    cwd: pkg,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const child: Child = { proc, output: () => out, exited };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The collector did not start within 20 s:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (waitFor?.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      if (waitFor) reject(new Error(`The collector exited with ${code} before listening:\n${out}`));
      else resolve(child);
    });
  });
}

/** A port that was free a moment ago, so a restarted collector can come back on the same address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
