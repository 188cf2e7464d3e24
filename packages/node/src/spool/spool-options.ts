import { ConfigError, intOption } from "@inferlog/core/lite";
import type { FsyncPolicy } from "./segment-writer.js";

export interface SpoolOptions {
  /** A directory only this client uses (a lock file in it refuses a second one); created if missing. */
  dir: string;
  /**
   * Disk the spool may use (default 64 MiB). When it is full, events that memory cannot hold
   * either are dropped as `spool_full`; events memory can hold are sent from memory only.
   */
  maxBytes?: number;
  /** Size at which a new segment file starts (default maxBytes / 16, between 64 KiB and 4 MiB). */
  segmentBytes?: number;
  /** Default `{ intervalMs: 1000 }`. See docs/node.md for what each policy survives. */
  fsync?: FsyncPolicy;
}

export const DEFAULT_SPOOL_MAX_BYTES = 64 * 1024 * 1024;

/** The spool's options checked and defaulted; a wrong one throws a `ConfigError` naming it. */
export interface ResolvedSpoolOptions {
  dir: string;
  maxBytes: number;
  segmentBytes: number;
  fsync: FsyncPolicy;
}

export function resolveSpoolOptions(options: SpoolOptions): ResolvedSpoolOptions {
  if (options === null || typeof options !== "object" || typeof options.dir !== "string" || options.dir.length === 0) {
    throw new ConfigError(
      `Expected \`spool.dir\` to be a non-empty directory path, got \`${JSON.stringify(options?.dir)}\``,
    );
  }
  const maxBytes = intOption("spool.maxBytes", options.maxBytes, DEFAULT_SPOOL_MAX_BYTES, 1);
  const fallback = Math.min(4 * 1024 * 1024, Math.max(64 * 1024, Math.floor(maxBytes / 16)));
  const segmentBytes = Math.min(maxBytes, intOption("spool.segmentBytes", options.segmentBytes, fallback, 1));
  const fsync = options.fsync ?? { intervalMs: 1000 };
  const file = fsync as unknown;
  if (file !== "always" && file !== "never" && !(typeof file === "object" && file !== null)) {
    throw new ConfigError(
      `Expected \`spool.fsync\` to be "always", "never" or { intervalMs }, got \`${JSON.stringify(file)}\``,
    );
  }
  if (typeof file === "object")
    intOption("spool.fsync.intervalMs", (file as { intervalMs?: unknown }).intervalMs, undefined, 1);
  return { dir: options.dir, maxBytes, segmentBytes, fsync };
}
