/**
 * Soak: two apps (`@inferlog/node` with and without the disk spool) log at a steady rate through the
 * fault proxy (a seeded mix of resets, lost replies, stalls, partial replies, 503s and latency) into the
 * collector on SQLite, which is restarted twice on the way. Short in `pnpm test`
 * (INFERLOG_SOAK_MS, default 45 s); `pnpm --filter @inferlog/reliability soak` runs 10 minutes.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mixedFaults } from "@inferlog/test-support/fault-proxy";
import { afterAll, describe, expect, it } from "vitest";
import { compareIds, type Stack, startStack } from "./test/stack.js";

const SOAK_MS = Number(process.env.INFERLOG_SOAK_MS ?? "45000");
const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");

interface Report {
  result: { ok: boolean; sent: number; dropped: number; pending: number; unsentIds: number };
  stats: { logged: number; sent: number; dropped: { total: number }; spool?: { parked: number } };
  heap: number[];
  unhandled: number;
  errors: number;
  active: string[];
}

function runApp(endpoint: string, dir: string, spool: boolean) {
  const idsFile = join(dir, `ids-${spool ? "spool" : "memory"}.txt`);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ENDPOINT: endpoint,
    DURATION_MS: String(SOAK_MS),
    IDS_FILE: idsFile,
  };
  if (spool) env.SPOOL_DIR = join(dir, "spool");
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--conditions=source", "--import", "tsx", "test/fixtures/soak-app.ts"],
    { cwd: pkg, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; reportedAt: number; exitedAt: number }>((resolve) => {
    let reportedAt = 0;
    child.stdout.on("data", () => {
      if (!reportedAt && out.includes("\n")) reportedAt = Date.now();
    });
    child.on("exit", (code) => resolve({ code, reportedAt, exitedAt: Date.now() }));
  });
  return {
    child,
    exited,
    report: () => JSON.parse(out.trim()) as Report,
    stderr: () => err,
    ids: () => readFileSync(idsFile, "utf8").split("\n").filter(Boolean),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const MB = 1024 * 1024;

let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
});

describe(`soak (${Math.round(SOAK_MS / 1000)} s, two apps, seeded faults, two collector restarts)`, () => {
  it("stores every event id exactly once; memory flat; no unhandled rejection; no timer left behind", {
    timeout: SOAK_MS + 90_000,
  }, async () => {
    stack = await startStack();
    stack.proxy.setPolicy(
      mixedFaults(2026, [
        [0.7, { kind: "pass" }],
        [0.05, { kind: "reset" }],
        [0.05, { kind: "lose-reply" }],
        [0.02, { kind: "stall" }],
        [0.03, { kind: "partial" }],
        [0.05, { kind: "status", status: 503, retryAfter: "0" }],
        [0.05, { kind: "status", status: 429 }],
        [0.05, { kind: "latency", ms: 80 }],
      ]),
    );
    mkdirSync(join(stack.dir, "spool"));
    const apps = [runApp(stack.endpoint, stack.dir, false), runApp(stack.endpoint, stack.dir, true)];
    for (const at of [SOAK_MS / 3, SOAK_MS / 3]) {
      await new Promise((r) => setTimeout(r, at));
      await stack.restartCollector(300);
    }
    const exits = await Promise.all(apps.map((a) => a.exited));
    const stored = await stack.idCounts();
    const figures = [];
    for (const [k, app] of apps.entries()) {
      const { code, reportedAt, exitedAt } = exits[k] as Awaited<(typeof app)["exited"]>;
      expect(code, app.stderr()).toBe(0);
      const r = app.report();
      const ids = app.ids();
      const { missing, duplicated } = compareIds(ids, stored);
      expect({ missing: missing.length, duplicated: duplicated.length }).toEqual({ missing: 0, duplicated: 0 });
      expect(ids.length).toBe(r.stats.logged);
      expect(r.result).toMatchObject({ ok: true, pending: 0, unsentIds: 0 });
      expect(r.stats.dropped.total).toBe(0);
      expect(r.unhandled).toBe(0);
      // Nothing keeps the process alive after shutdown, and it exits by itself at once.
      expect(r.active).toEqual([]);
      expect(exitedAt - reportedAt).toBeLessThan(2_000);
      // Flat memory: after warm-up, the last quarter's median heap is within 8 MiB of the first quarter's.
      const warm = r.heap.slice(Math.ceil(r.heap.length / 5));
      const q = Math.max(1, Math.floor(warm.length / 4));
      const growth = median(warm.slice(-q)) - median(warm.slice(0, q));
      figures.push({ spool: k === 1, sent: ids.length, missing: missing.length, growthMB: growth / MB, heap: r.heap });
      expect(growth / MB).toBeLessThan(8);
      expect(Math.max(...r.heap) / MB).toBeLessThan(96);
    }
    expect(stored.size).toBe(apps.reduce((n, a) => n + a.ids().length, 0));
    expect(stack.proxy.counts.upstream_down + stack.proxy.counts.reset).toBeGreaterThan(0);
    if (process.env.INFERLOG_REPORT)
      console.info(
        `[reliability] soak: ${JSON.stringify({ figures, resent: stack.proxy.resent, faults: stack.proxy.counts })}`,
      );
  });
});
