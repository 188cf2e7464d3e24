#!/usr/bin/env node
// `pnpm test`: installs and starts what the tests need (scripts/setup-test-deps.mjs), builds every
// package, then runs every workspace package's tests one after the other, all of them even when
// one fails, and ends with a summary of what failed (exit 1 if anything did). Services the setup
// started for this run (a ClickHouse server) are stopped at the end; one that was already running
// is left alone. Extra arguments name packages to run (`pnpm test @inferlog/core`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv.slice(2);

/** Runs a command in the root with the terminal; returns its exit code (signals count as failure). */
function run(command, args, env = {}) {
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
}

/** Workspace packages with a `test` script, in path order (they run on the built packages, so order is free). */
function testedPackages() {
  const listed = spawnSync("pnpm", ["-r", "ls", "--depth", "-1", "--json"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`pnpm -r ls failed: ${listed.stderr}`);
  return JSON.parse(listed.stdout)
    .filter((p) => p.path !== root)
    .filter((p) => JSON.parse(readFileSync(join(p.path, "package.json"), "utf8")).scripts?.test)
    .filter((p) => only.length === 0 || only.includes(p.name))
    .map((p) => ({
      name: p.name,
      dir: relative(root, p.path),
      vitest: JSON.parse(readFileSync(join(p.path, "package.json"), "utf8")).scripts.test === "vitest run",
    }))
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

/** A pid, or the pid in a pid file (a server a test restarts has a new pid by the end). */
function pidOf(where) {
  if (!where.startsWith("/")) return Number(where);
  try {
    return Number(readFileSync(where, "utf8").trim());
  } catch {
    return Number.NaN;
  }
}

/**
 * Stops what the setup scripts started for this run: each wrote "<name> <pid>" (or "<name> <pid file>")
 * to the file named by INFERLOG_STARTED_FILE. Only those process ids are signalled.
 */
function stopStarted(startedFile) {
  if (!existsSync(startedFile)) return;
  for (const line of readFileSync(startedFile, "utf8").split("\n").filter(Boolean)) {
    const [name, where = ""] = line.split(" ");
    const pid = pidOf(where);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      continue; // already gone
    }
    const end = Date.now() + 15_000;
    let alive = true;
    while (alive && Date.now() < end) {
      spawnSync("sleep", ["0.2"]);
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    if (alive) process.kill(pid, "SIGKILL");
    console.log(`test: stopped ${name} (pid ${pid}), which the setup started for this run`);
  }
}

/**
 * Every vitest package runs with one retry, and with a reporter that records each test that failed
 * or passed only on its retry. A retry keeps one timing hiccup on a loaded machine from failing the
 * run; the summary names every such test as flaky, so it is seen and fixed rather than hidden.
 */
const vitestArgs = [
  "--retry=1",
  "--reporter=default",
  `--reporter=${join(root, "scripts/vitest-outcomes-reporter.mjs")}`,
];

/** The outcomes a package's run recorded (scripts/vitest-outcomes-reporter.mjs), one per line. */
function readOutcomes(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Names the failed and the flaky tests at the end of the log, with the head of each error. */
function printOutcomes(results) {
  for (const state of ["failed", "flaky"]) {
    const listed = results.flatMap((r) =>
      r.outcomes.filter((o) => o.state === state).map((o) => ({ ...o, pkg: r.dir })),
    );
    if (listed.length === 0) continue;
    console.log(`\n${state === "failed" ? "failed tests" : "flaky tests (failed, then passed on the retry)"}:`);
    for (const o of listed) {
      console.log(`- ${o.pkg}/${o.file} > ${o.name}`);
      for (const error of o.errors) console.log(error.replace(/^/gm, "    "));
    }
  }
}

const scratch = mkdtempSync(join(tmpdir(), "inferlog-test-run-"));
const startedFile = join(scratch, "started");
const results = [];
let exitCode = 0;
const cleanUp = () => {
  stopStarted(startedFile);
  rmSync(scratch, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    cleanUp();
    process.exit(1);
  });

try {
  if (run(process.execPath, ["scripts/setup-test-deps.mjs"], { INFERLOG_STARTED_FILE: startedFile }) !== 0) {
    console.error("test: the setup failed; no tests were run");
    exitCode = 1;
  } else if (run("pnpm", ["build"]) !== 0) {
    console.error("test: `pnpm build` failed; no tests were run");
    exitCode = 1;
  } else {
    for (const p of testedPackages()) {
      console.log(`\n===== ${p.name} (${p.dir}) =====`);
      const started = Date.now();
      const outcomesFile = join(scratch, `${p.name.replace(/[^a-z0-9-]/gi, "_")}.jsonl`);
      const code = run("pnpm", ["--filter", p.name, "run", "test", ...(p.vitest ? vitestArgs : [])], {
        INFERLOG_TEST_OUTCOMES: outcomesFile,
      });
      results.push({ ...p, code, seconds: (Date.now() - started) / 1000, outcomes: readOutcomes(outcomesFile) });
    }
    const failed = results.filter((r) => r.code !== 0);
    console.log("\n===== test summary =====");
    for (const r of results)
      console.log(`${r.code === 0 ? "pass" : "FAIL"}  ${r.name.padEnd(44)} ${r.seconds.toFixed(1).padStart(6)} s`);
    printOutcomes(results);
    if (failed.length > 0) {
      console.log(`\n${failed.length} of ${results.length} packages failed: ${failed.map((r) => r.name).join(", ")}`);
      exitCode = 1;
    } else console.log(`\nall ${results.length} packages passed`);
  }
} finally {
  cleanUp();
}
process.exit(exitCode);
