import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Collector, createCollector } from "@inferlog/collector";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "inferlog-edge-"));
let collector: Collector;
let endpoint: string;

/** Bundles an entry the way a user's build would, for a runtime with no Node built-ins. */
async function bundle(entry: string, out: string): Promise<string> {
  const file = join(dir, out);
  const r = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["source"],
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  writeFileSync(file, r.outputFiles[0]!.text);
  return file;
}

/**
 * Bun's npm package puts its binary in place with a postinstall script, which pnpm does not run;
 * the platform package it depends on ships the same binary, so use that one.
 */
function bunBinary(): string {
  const bunDir = dirname(require.resolve("bun/package.json"));
  const platform = createRequire(join(bunDir, "package.json"));
  return join(
    dirname(platform.resolve(`@oven/bun-linux-${process.arch === "arm64" ? "aarch64" : "x64"}/package.json`)),
    "bin",
    "bun",
  );
}
const denoBinary = () => join(dirname(require.resolve("deno/package.json")), "bin.cjs");

beforeAll(async () => {
  collector = await createCollector({ store: `sqlite:${join(dir, "edge.db")}` });
  const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
  endpoint = `${url}/v1/events`;
});
afterAll(async () => {
  await collector?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  flush: { ok: boolean; sent: number; dropped: number; pending: number };
  predictionId: string;
}

/** The client's own account and the collector's store agree: three events, joined by prediction id. */
async function expectStored(r: Outcome): Promise<void> {
  expect(r.flush).toEqual({ ok: true, sent: 3, dropped: 0, pending: 0 });
  expect(await collector.store.joinedPrediction("edge-ranker", r.predictionId)).toEqual({
    predictionId: r.predictionId,
    modelName: "edge-ranker",
    modelVersion: "1",
    label: null,
    outcomeLabel: null,
    outcomeRevision: null,
    exposures: 1,
    feedback: 1,
  });
}

describe("@inferlog/core with the fetch transport in other runtimes", () => {
  it("runs in Bun", async () => {
    const script = await bundle("cli-entry.ts", "bun.mjs");
    const { stdout } = await run(bunBinary(), [script, endpoint, "bun"], { timeout: 30_000 });
    await expectStored(JSON.parse(stdout.trim()) as Outcome);
  });

  it("runs in Deno, with network access to the collector only", async () => {
    const script = await bundle("cli-entry.ts", "deno.mjs");
    const host = new URL(endpoint).host;
    const { stdout } = await run(
      process.execPath,
      [denoBinary(), "run", `--allow-net=${host}`, "--no-prompt", script, endpoint, "deno"],
      {
        timeout: 60_000,
        env: { ...process.env, DENO_DIR: join(dir, "deno"), NO_COLOR: "1" },
      },
    );
    await expectStored(JSON.parse(stdout.trim()) as Outcome);
  });

  it("runs in Cloudflare's workerd (miniflare), sending from inside a request", async () => {
    const script = await bundle("worker-entry.ts", "worker.mjs");
    // The code goes in as text: workerd refuses a scriptPath outside its working directory.
    const mf = new Miniflare({ modules: true, script: readFileSync(script, "utf8"), compatibilityDate: "2025-09-01" });
    try {
      const res = await mf.dispatchFetch(`http://worker.local/?endpoint=${encodeURIComponent(endpoint)}`);
      expect(res.status).toBe(200);
      await expectStored((await res.json()) as Outcome);
    } finally {
      await mf.dispose();
    }
  });
});
