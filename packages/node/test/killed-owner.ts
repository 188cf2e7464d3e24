import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SPOOL_LOCK_FILE } from "../src/spool/spool-lock.js";

/** The pid of a process that has exited (and been reaped): no process runs under it now. */
export const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid as number;

/**
 * Leaves `dir`'s lock as it would be had the process that holds it been killed: naming a pid
 * that no longer runs. Tests that simulate a crash with a second open in the same process call it.
 */
export function killOwner(dir: string): void {
  const path = join(dir, SPOOL_LOCK_FILE);
  const owner = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  writeFileSync(path, `${JSON.stringify({ ...owner, pid: deadPid() })}\n`);
}
