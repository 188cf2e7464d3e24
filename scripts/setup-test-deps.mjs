#!/usr/bin/env node
// Runs every scripts/setup/*.sh in order before the test suites: each installs a system
// dependency the tests need if it is missing (Chromium, ClickHouse) and starts what must run.
// Each is idempotent and quick when everything is already there. A failure stops `pnpm test`:
// tests that cannot reach their dependency must fail, never skip.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "setup");
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".sh"))
  .sort()) {
  const started = Date.now();
  try {
    execFileSync("bash", [join(dir, file)], { stdio: "inherit" });
  } catch {
    console.error(`\nsetup: scripts/setup/${file} failed; the tests that need it cannot run.`);
    process.exit(1);
  }
  console.log(`setup: ${file} ok (${Date.now() - started} ms)`);
}
