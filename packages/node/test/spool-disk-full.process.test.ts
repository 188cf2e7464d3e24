import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../src/spool/spool.js";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("spool after a full disk and a SIGKILL", () => {
  it("reads back every record written after the disk recovered, and none of the torn one", async () => {
    dir = mkdtempSync(join(tmpdir(), "inferlog-diskfull-"));
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "test/fixtures/disk-full-writer.ts"],
      { cwd: pkg, env: { ...process.env, SPOOL_DIR: dir }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    const end = Date.now() + 30_000;
    while (!out.includes("ready\n")) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`the writer did not get ready: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(err).toMatch(/onError spool_full: .*ENOSPC/);
    const persisted = (/persisted (.*)\n/.exec(out)?.[1] ?? "").split(",").map(Number);
    const beforeFull = persisted.filter((i) => i < 1_000);
    expect(beforeFull.length).toBeGreaterThan(100); // the disk filled part-way
    expect(beforeFull.length).toBeLessThan(1_000);
    expect(persisted.filter((i) => i >= 1_000)).toHaveLength(2_000); // everything after it recovered

    const errors: string[] = [];
    const spool = new Spool({ dir, fsync: "never" }, (e) => errors.push(e.code));
    expect(spool.open()).toBe(persisted.length);
    const ids = spool.read(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).map((e) => e.id);
    expect(ids).toEqual(persisted.map((i) => `id-${i}`));
    expect(errors).toEqual([]); // no torn record left behind
    spool.close();
  }, 40_000);
});
