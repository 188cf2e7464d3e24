import { randomUUID } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/** The file in a spool directory that names the process using it. */
export const SPOOL_LOCK_FILE = "inferlog.lock";

/** A lock file with no owner written yet is another client starting, unless it is older than this (then torn). */
const UNWRITTEN_LOCK_GRACE_MS = 10_000;

interface LockOwner {
  pid: number;
  /** The process's identity beyond its pid (see `startOf`); empty where it cannot be read. */
  start: string;
  host: string;
  /** This lock's own mark, so a client only ever removes the lock it took. */
  token: string;
}

export interface SpoolLock {
  release(): void;
}

/**
 * One spool directory, one owner: two writers would append to the same segment at separate
 * offsets (each reading the other's records as damage) and delete segments the other still needs.
 * The lock file is created with O_EXCL and names its owner. A lock whose owner is gone (killed,
 * crashed, a reboot) is taken over; one whose owner runs, in this process or another, throws.
 */
export function lockSpoolDir(dir: string): SpoolLock {
  const path = join(dir, SPOOL_LOCK_FILE);
  const mine: LockOwner = {
    pid: process.pid,
    start: startOf(process.pid) ?? "",
    host: hostname(),
    token: randomUUID(),
  };
  // Three tries: another client may take or release the lock between our steps.
  for (let attempt = 1; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      try {
        writeSync(fd, `${JSON.stringify(mine)}\n`);
      } finally {
        closeSync(fd);
      }
      return { release: () => releaseLock(path, mine.token) };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST" || attempt === 3) throw error;
    }
    const text = readLock(path);
    if (text === undefined) continue; // released meanwhile
    const owner = parseOwner(text);
    if (owner ? isAlive(owner) : Date.now() - modifiedAt(path) < UNWRITTEN_LOCK_GRACE_MS) {
      throw new Error(busyMessage(path, owner));
    }
    // Stale: removed, unless another client took it over since we read it.
    if (readLock(path) === text) unlinkQuietly(path);
  }
}

function busyMessage(path: string, owner: LockOwner | undefined): string {
  if (!owner) return `another client is opening it (${path} was just created); give each client its own directory`;
  if (owner.pid === process.pid && owner.host === hostname())
    return `another client in this process (pid ${owner.pid}) uses it; shut that client down first, or give each client its own directory`;
  const where = owner.host === hostname() ? "" : ` on ${owner.host}`;
  return `another client (pid ${owner.pid}${where}) uses it; give each client its own directory (if no such process runs, delete ${path})`;
}

/** Whether the lock's owner still runs. */
function isAlive(owner: LockOwner): boolean {
  // Where the start can be read (Linux), a live pid whose start differs is a reused pid, and a reboot changes every start.
  const start = startOf(owner.pid);
  if (start !== undefined) return start === owner.start;
  try {
    process.kill(owner.pid, 0); // signal 0 only checks the pid exists
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"; // it exists, as another user
  }
}

let bootId: string | undefined;

/** On Linux, the boot id and the process's start time (clock ticks since boot): a pid is reused, this pair is not. */
function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    bootId ??= readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    // The command name (field 2) may hold spaces and ')': fields are counted from the last ')'; starttime is field 22.
    return `${bootId}/${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]}`;
  } catch {
    return undefined;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as LockOwner;
    // A pid of 0 or below would signal a process group.
    return Number.isInteger(owner.pid) && owner.pid > 0 && typeof owner.token === "string" ? owner : undefined;
  } catch {
    return undefined;
  }
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes the lock if it is still the one `token` took; never throws (it runs at exit). */
function releaseLock(path: string, token: string): void {
  try {
    if (parseOwner(readFileSync(path, "utf8"))?.token === token) unlinkSync(path);
  } catch {
    // gone already, or the directory is gone: nothing to release
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
}
