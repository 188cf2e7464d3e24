import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { type SegmentPaths, segmentPaths } from "./segment-files.js";

/** When appended records are forced to stable storage (see docs/node.md, "The spool"). */
export type FsyncPolicy = "always" | "never" | { intervalMs: number };

/**
 * Appends records to the newest segment and starts a new one past `segmentBytes`.
 * `writeSync` hands the bytes to the kernel before the call returns, so they outlive
 * the process (SIGKILL, OOM kill, crash); the fsync policy decides when they also
 * outlive the machine (power loss, kernel panic).
 */
export class SegmentWriter {
  current: SegmentPaths;
  /** Bytes written to the current segment. */
  bytes = 0;
  private fd: number;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    firstSegment: number,
    private readonly segmentBytes: number,
    private readonly fsync: FsyncPolicy,
    /** Called after a segment is closed for writing and a new one opened. */
    private readonly onSealed: (sealed: SegmentPaths) => void,
  ) {
    this.current = segmentPaths(dir, firstSegment);
    this.fd = openSync(this.current.log, "a");
    if (typeof fsync === "object") {
      this.timer = setInterval(() => this.sync(), fsync.intervalMs);
      this.timer.unref(); // the spool must never keep a process alive
    }
  }

  /** Appends `text` (whole records) to the current segment; returns the segment it went to. */
  append(text: string, byteLength: number): SegmentPaths {
    if (this.bytes > 0 && this.bytes + byteLength > this.segmentBytes) this.rotate();
    writeSync(this.fd, text);
    this.bytes += byteLength;
    if (this.fsync === "always") fdatasyncSync(this.fd);
    else this.dirty = true;
    return this.current;
  }

  /** Forces everything written so far to stable storage. */
  sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.sync();
    closeSync(this.fd);
  }

  private rotate(): void {
    this.sync();
    closeSync(this.fd);
    const sealed = this.current;
    this.current = segmentPaths(this.dir, sealed.n + 1);
    this.fd = openSync(this.current.log, "a");
    this.bytes = 0;
    this.onSealed(sealed);
  }
}
