import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { QueuedEvent } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { deadPid, killOwner } from "../../test/killed-owner.js";
import { Spool } from "./spool.js";
import { lockSpoolDir, SPOOL_LOCK_FILE } from "./spool-lock.js";

const ev = (i: number): QueuedEvent => ({
  seq: i,
  priority: 1,
  id: `id-${i}`,
  type: "ml.prediction",
  json: JSON.stringify({ id: `id-${i}` }),
  bytes: 0,
});

let dir: string;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const fresh = () => {
  dir = mkdtempSync(join(tmpdir(), "inferlog-lock-"));
};
const lockPath = () => join(dir, SPOOL_LOCK_FILE);
const owner = () => JSON.parse(readFileSync(lockPath(), "utf8")) as { pid: number; start: string; token: string };
const open = () => {
  const spool = new Spool({ dir, fsync: "never" }, () => {});
  spool.open();
  return spool;
};
const writeLock = (fields: Record<string, unknown>) =>
  writeFileSync(lockPath(), `${JSON.stringify({ start: "", host: hostname(), token: "theirs", ...fields })}\n`);

describe("the spool directory's lock", () => {
  it("refuses a second spool on the directory in the same process, and lets one open once the first is closed", () => {
    fresh();
    const first = open();
    first.admit([ev(1)]);
    expect(owner().pid).toBe(process.pid);
    expect(() => open()).toThrow(
      `another client in this process (pid ${process.pid}) uses it; shut that client down first, or give each client its own directory`,
    );
    expect(first.stats().written).toBe(1); // the refused open touched nothing
    first.close();
    expect(existsSync(lockPath())).toBe(false);
    const second = open();
    expect(second.read(10, Number.POSITIVE_INFINITY).map((e) => e.id)).toEqual(["id-1"]);
    second.close();
  });

  it("refuses a directory a live process holds, naming its pid, and takes the lock over once that process is killed", async () => {
    fresh();
    // Another process takes the lock as a client would, then idles.
    const script = `import { lockSpoolDir } from ${JSON.stringify(new URL("./spool-lock.ts", import.meta.url).href)};
      lockSpoolDir(${JSON.stringify(dir)}); console.log("locked"); setTimeout(() => {}, 30000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      await new Promise((resolve) => child.stdout.once("data", resolve));
      expect(owner().pid).toBe(child.pid);
      expect(() => open()).toThrow(
        `another client (pid ${child.pid}) uses it; give each client its own directory (if no such process runs, delete ${lockPath()})`,
      );
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    const spool = open();
    expect(owner().pid).toBe(process.pid);
    spool.close();
  });

  it("takes over a lock whose process is gone, and replays what it left", () => {
    fresh();
    const first = open();
    first.admit([ev(1), ev(2)]);
    killOwner(dir);
    const second = open();
    expect(owner()).toMatchObject({ pid: process.pid });
    expect(second.read(10, Number.POSITIVE_INFINITY).map((e) => e.id)).toEqual(["id-1", "id-2"]);
    second.close();
  });

  it.runIf(existsSync("/proc/self/stat"))(
    "takes over a lock naming a live pid with another start: an earlier process under a reused pid (pid 1 in a restarted container)",
    () => {
      fresh();
      writeLock({ pid: process.pid, start: "another-boot/12345" });
      const spool = open();
      expect(owner()).toMatchObject({ pid: process.pid });
      expect(owner().start).not.toBe("another-boot/12345");
      spool.close();
    },
  );

  it("treats a lock with no owner written as another client starting, and as torn once it is old", () => {
    fresh();
    writeFileSync(lockPath(), "");
    expect(() => open()).toThrow(/another client is opening it/);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockPath(), minuteAgo, minuteAgo);
    const spool = open();
    expect(owner().pid).toBe(process.pid);
    spool.close();
  });

  it("releases only its own lock: a client whose lock was taken over leaves the new owner's alone", () => {
    fresh();
    const lock = lockSpoolDir(dir);
    writeLock({ pid: deadPid() });
    const taken = lockSpoolDir(dir); // the old lock's pid is gone: taken over
    const token = owner().token;
    lock.release();
    expect(owner().token).toBe(token);
    taken.release();
    expect(existsSync(lockPath())).toBe(false);
  });
});
