import { type SegmentPaths, segmentPaths } from "./segment-files.js";
import type { SpoolFs } from "./spool-fs.js";

/** When appended records are forced to stable storage (see docs/node.md, "The spool"). */
export type FsyncPolicy = "always" | "never" | { intervalMs: number };

/**
 * Appends records to the newest segment and starts a new one past `segmentBytes`.
 * `writeSync` hands the bytes to the kernel before the call returns, so they outlive
 * the process (SIGKILL, OOM kill, crash); the fsync policy decides when they also
 * outlive the machine (power loss, kernel panic).
 *
 * An append is all or nothing: a write cut short (ENOSPC, EIO) is truncated back to the
 * last whole record, or, when even that fails, the segment is sealed there and the next
 * append opens a new one. Nothing is ever appended behind a torn record, so a reader that
 * stops at damage never loses a record written after it.
 */
export class SegmentWriter {
  current: SegmentPaths;
  /** Bytes of whole records in the current segment. */
  bytes = 0;
  private fd: number;
  private dirty = false;
  /** Set when a failed write left bytes past `bytes` that could not be truncated away. */
  private torn = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fs: SpoolFs,
    private readonly dir: string,
    firstSegment: number,
    private readonly segmentBytes: number,
    private readonly fsync: FsyncPolicy,
    /** Called after a segment is closed for writing (`end`: its bytes of whole records) and `opened` started. */
    private readonly onRotated: (sealed: SegmentPaths, end: number, opened: SegmentPaths) => void,
  ) {
    this.current = segmentPaths(dir, firstSegment);
    this.fd = fs.openSync(this.current.log, "a");
    if (typeof fsync === "object") {
      this.timer = setInterval(() => this.sync(), fsync.intervalMs);
      this.timer.unref(); // the spool must never keep a process alive
    }
  }

  /** Appends whole records to the current segment; returns the segment and offset they went to. Throws when the write fails. */
  append(records: Buffer): { segment: SegmentPaths; offset: number } {
    if (this.torn) this.repair();
    if (this.bytes > 0 && this.bytes + records.length > this.segmentBytes) this.rotate();
    const offset = this.bytes;
    let done = 0;
    try {
      while (done < records.length) done += this.fs.writeSync(this.fd, records, done, records.length - done);
    } catch (error) {
      if (done > 0) {
        // A short write reached the file before the failure: cut it off before anything else is appended.
        this.torn = true;
        this.repair();
      }
      throw error;
    }
    this.bytes += records.length;
    if (this.fsync === "always") this.fs.fdatasyncSync(this.fd);
    else this.dirty = true;
    return { segment: this.current, offset };
  }

  /** Forces everything written so far to stable storage. */
  sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.sync();
    this.fs.closeSync(this.fd);
  }

  /** Cuts a torn tail back to the last whole record; if the disk refuses even that, moves on to a new segment. */
  private repair(): void {
    try {
      this.fs.ftruncateSync(this.fd, this.bytes);
      this.torn = false;
    } catch {
      try {
        this.rotate();
        this.torn = false;
      } catch {
        // Still torn: the next append tries again before it writes anything.
      }
    }
  }

  private rotate(): void {
    const next = segmentPaths(this.dir, this.current.n + 1);
    const fd = this.fs.openSync(next.log, "a"); // first, so a failure leaves the writer as it was
    try {
      this.sync();
    } catch {
      // the sealed segment's records were handed to the kernel; only the fsync is lost
    }
    this.fs.closeSync(this.fd);
    const sealed = this.current;
    const end = this.bytes;
    this.current = next;
    this.fd = fd;
    this.bytes = 0;
    this.onRotated(sealed, end, next);
  }
}
