/**
 * A SQLite collector on a full disk, for real: the collector runs as a child process under a file size
 * limit (`ulimit -S -f`: the soft limit, which an unprivileged process may raise again; SIGXFSZ ignored, so every write past the limit fails with EFBIG as it would
 * with ENOSPC), and `prlimit` moves the limit while it runs. No root, no loop device.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { BENCH_START, benchEventBatches, DAY_MS } from "../../bench/bench-events.js";
import { postBatch, rawRequest } from "../../test/test-http.js";
import { prediction } from "../../test/test-support.js";
import { computeReport } from "../metrics/compute-report.js";
import type { Report } from "../metrics/types.js";
import { SQLITE_SCHEMA_VERSION } from "./sqlite-schema.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./types.js";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "cli.ts");
const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `inferlog-collector serve` on a SQLite file, with at most `fileSizeBlocks` × 512 B per written file. */
async function serveUnderLimit(file: string, fileSizeBlocks: number) {
  const child = spawn(
    "bash",
    [
      "-c",
      `trap '' XFSZ; ulimit -S -f ${fileSizeBlocks}; exec "$0" "$@"`,
      process.execPath,
      "--conditions=source",
      "--import",
      "tsx",
      cli,
      "serve",
      "--port",
      "0",
      "--store",
      `sqlite:${file}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TSX_DISABLE_CACHE: "1" } },
  );
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 20 s:\n${output}`)), 20_000);
    const check = () => {
      const found = /listening on (http:\/\/\S+?)[ "]/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => reject(new Error(`the collector exited with ${code}:\n${output}`)));
  });
  /** Sets the running collector's file size limit, in bytes. */
  const setFileSizeLimit = (bytes: number | "unlimited") =>
    execFileSync("prlimit", ["--pid", String(child.pid), `--fsize=${bytes}:`]);
  return { url, endpoint: `${url}/v1/events`, output: () => output, setFileSizeLimit, child };
}

async function health(url: string): Promise<{ code: number; status: string }> {
  const r = await rawRequest(`${url}/healthz`, { method: "GET" });
  return { code: r.status, ...(r.json() as { status: string }) };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!ok(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe("the SQLite collector on a full disk", () => {
  it("starts with no room for its file, answers 503, and stores once room appears", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inferlog-full-disk-"));
    dirs.push(dir);
    const file = join(dir, "full.db");
    const c = await serveUnderLimit(file, 0);

    // The reason is in the log, not in /healthz's answer (it takes no key, and the reason holds a path).
    expect(await health(c.url)).toEqual({ code: 503, status: "store_unavailable" });
    // The child writes that log line around its reply: wait for it rather than race the pipe.
    const logged = await until(
      async () => c.output(),
      (out) => /healthz: the store failed: /.test(out),
      5_000,
    );
    expect(logged).toMatch(/healthz: the store failed: the SQLite file .*full\.db is not writable yet: /);
    // Ingest says 503 too (retryable): an SDK keeps the batch and sends it again.
    expect((await postBatch(c.endpoint, [prediction({ predictionId: "kept-1" })])).status).toBe(503);
    expect(c.output()).toMatch(/is not writable yet .*serving 503 and retrying until it is/);

    c.setFileSizeLimit("unlimited");
    const ready = await until(
      () => health(c.url),
      (h) => h.code === 200,
      8_000,
    );
    expect(ready).toMatchObject({ code: 200, status: "ok" });
    expect(c.output()).toMatch(/the SQLite file .*full\.db is writable; the store is ready/);
    expect((await postBatch(c.endpoint, [prediction({ predictionId: "kept-1" })])).status).toBe(200);

    // The disk fills while it runs: writes fail with 503 and /healthz says so; room again, and it heals.
    c.setFileSizeLimit(statSync(`${file}-wal`).size);
    const big = Array.from({ length: 200 }, (_, i) => prediction({ predictionId: `late-${i}` }));
    expect((await postBatch(c.endpoint, big)).status).toBe(503);
    expect(await health(c.url)).toMatchObject({ code: 503, status: "writes_failing" });
    c.setFileSizeLimit("unlimited");
    expect((await postBatch(c.endpoint, big)).status).toBe(200);
    expect(await health(c.url)).toMatchObject({ code: 200, status: "ok" });

    c.child.kill("SIGTERM");
    await new Promise((r) => c.child.once("exit", r));
    const db = new Database(file, { readonly: true });
    const stored = db.prepare("SELECT COUNT(*) AS n FROM predictions").get() as { n: number };
    db.close();
    expect(stored.n).toBe(201);
  }, 40_000);

  it("leaves a file as it was when its migration runs out of room, and migrates it once room appears", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inferlog-full-disk-"));
    dirs.push(dir);
    const file = join(dir, "schema8.db");
    // A file of schema 8 holding 4,000 events: schema 9's migration adds report counts and a copy of each
    // prediction's latest outcome, so it rewrites most of the file's pages (in the WAL, one transaction).
    const store = openSqliteStore({ path: file });
    for (const batch of benchEventBatches(4_000, 1_000)) await store.insertBatch(batch);
    const report = async (on: Store): Promise<Report> => ({
      ...(await computeReport(on, { now: BENCH_START + 60 * DAY_MS })),
      generatedAt: "",
    });
    const expected = await report(store);
    for (const table of ["shown_counts", "orphan_counts", "accepted_position"])
      await store.readRows?.(`DROP TABLE ${table}`);
    for (const column of ["o_event_id", "o_label", "o_rel", "o_first_ms"])
      await store.readRows?.(`ALTER TABLE predictions DROP COLUMN ${column}`);
    await store.readRows?.("PRAGMA user_version = 8");
    await store.readRows?.("VACUUM"); // no free pages left inside the file for the migration to reuse
    await store.close();
    const schema8 = () => {
      const db = new Database(file, { readonly: true });
      try {
        return {
          version: db.pragma("user_version", { simple: true }),
          tables: db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all(),
          rows: db
            .prepare(
              "SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM predictions) AS predictions",
            )
            .get(),
        };
      } finally {
        db.close();
      }
    };
    const before = schema8();
    expect(before.version).toBe(8);

    // 64 KiB for the write-ahead log: the migration's transaction starts and cannot finish.
    const c = await serveUnderLimit(file, 128);
    const failed = await until(
      async () => c.output(),
      (out) => /is not writable yet/.test(out),
      10_000,
    );
    expect(failed).toMatch(/the SQLite file .*schema8\.db is not writable yet .*serving 503 and retrying until it is/);
    expect(await health(c.url)).toEqual({ code: 503, status: "store_unavailable" });
    // Rolled back whole: the same schema, tables and rows as before the attempt.
    expect(schema8()).toEqual(before);

    c.setFileSizeLimit("unlimited");
    expect(
      await until(
        () => health(c.url),
        (h) => h.code === 200,
        15_000,
      ),
    ).toMatchObject({ code: 200 });
    c.child.kill("SIGTERM");
    await new Promise((r) => c.child.once("exit", r));
    const after = schema8();
    expect(after.version).toBe(SQLITE_SCHEMA_VERSION);
    expect(after.rows).toEqual(before.rows);
    expect(after.tables).toEqual(expect.arrayContaining(["shown_counts", "orphan_counts", "accepted_position"]));
    // The report over the migrated file is the one the file gave before it was taken back to schema 8.
    const migrated = openSqliteStore({ path: file });
    expect(await report(migrated)).toEqual(expected);
    await migrated.close();
  }, 60_000);
});
