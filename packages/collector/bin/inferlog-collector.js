#!/usr/bin/env node
// The `inferlog-collector` bin. A committed file, so the bin exists as soon as the package is
// installed or linked (`pnpm install` in a clone runs before anything is built). It runs the built
// CLI; in a clone before `pnpm build`, the TypeScript sources through tsx (a dev dependency).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/cli.js", import.meta.url);
const source = new URL("../src/cli.ts", import.meta.url);

if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else if (existsSync(fileURLToPath(source))) {
  let tsx;
  try {
    tsx = import.meta.resolve("tsx");
  } catch {
    console.error("inferlog-collector: dist/cli.js is not built and tsx is not installed: run `pnpm build`");
    process.exit(1);
  }
  const args = ["--conditions=source", "--import", tsx, fileURLToPath(source), ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: "inherit" });
  // The child gets the terminal's signals too; this process waits for it and ends the same way.
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) {
      for (const s of ["SIGINT", "SIGTERM"]) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  console.error("inferlog-collector: dist/cli.js is missing; reinstall @inferlog/collector");
  process.exit(1);
}
