import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * Core's built files (what `npm install` gives a user; built with folded constants and short names
 * for the client's private properties, see tsup.config.ts), run by a plain `node` through retries,
 * 413 splits, a partial rejection and a full queue. Needs `pnpm build` first (`pnpm test` does it).
 */
describe("the built dist", () => {
  it("delivers, splits, counts and reports as the sources do", async () => {
    const script = fileURLToPath(new URL("../scripts/dist-smoke.mjs", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 30_000 });
    const r = JSON.parse(stdout);
    expect(r.resolved).toMatch(/\/packages\/core\/dist\/index\.js$/);
    expect(r.first).toEqual({ ok: true, sent: 7, dropped: 1, pending: 0 });
    expect(r.attempts.slice(0, 4)).toEqual([
      [8, "retry"],
      [8, "too-large"],
      [4, "too-large"],
      [2, "ok"],
    ]);
    expect(r.second).toMatchObject({ ok: true, pending: 0 });
    expect(r.stats.dropped.queue_full).toBeGreaterThan(0);
    expect(r.stats.logged).toBe(r.stats.sent + r.stats.dropped.total);
    expect(r.stats.retried).toBe(1);
    expect(r.errors).toEqual([
      expect.stringMatching(/^Collector rejected 1 of 2 events \(not resent\); first: event [0-9a-f-]{36}: bad label$/),
      expect.stringMatching(/^The send queue is full \(40 events/),
    ]);
  });
});

/**
 * Core's CommonJS entries (`require("@inferlog/core")`, `/lite`, `/compiled`, `/server`...) share one
 * copy of each module, as the ESM ones do: an error class or a validator from one entry is the same
 * object in every other, so `instanceof` holds across them (the client's own checks use it).
 */
describe("the built CommonJS entries", () => {
  it("share their classes and functions", async () => {
    const script = `
      const full = require("@inferlog/core");
      const lite = require("@inferlog/core/lite");
      const compiled = require("@inferlog/core/compiled");
      const server = require("@inferlog/core/server");
      const refused = lite.liteValidateEvent("ml.feedback", {});
      console.log(JSON.stringify([
        full.ValidationError === lite.ValidationError,
        full.InferlogError === lite.InferlogError,
        full.liteValidateEvent === lite.liteValidateEvent,
        full.prepareFast === server.prepareFast && full.prepareFast === compiled.prepareFast,
        refused.error instanceof full.ValidationError,
      ]));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual([true, true, true, true, true]);
  });
});
