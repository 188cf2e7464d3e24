import { rmSync } from "node:fs";
import { InferlogError } from "@inferlog/core/lite";
import type { SegmentPaths } from "./segment-files.js";
import type { SpoolFs } from "./spool-fs.js";

/** What the spool knows about one segment file. */
export interface Segment {
  paths: SegmentPaths;
  /** Bytes of the file counted against `maxBytes`. */
  bytes: number;
  /** Bytes of whole records: where reading stops. */
  end: number;
  /** Events read into (or written from) memory and not yet settled. */
  pending: number;
  /** Backlog events in this segment not yet read into memory. */
  unread: number;
  parked: number;
  sealed: boolean;
  ackFd: number | undefined;
  /** An earlier run's acknowledged ids, skipped when reading. */
  acked: Set<string> | undefined;
}

/**
 * The spool's segments by number, their bytes on disk, and the one file handle the backlog
 * is read through. A segment is deleted once it is sealed and nothing in it is pending,
 * parked or unread.
 */
export class SegmentTable {
  private readonly byNumber = new Map<number, Segment>();
  /** Bytes of segment files on disk. */
  bytes = 0;
  private reading: { n: number; fd: number } | undefined;

  constructor(
    private readonly fs: SpoolFs,
    private readonly report: (error: InferlogError) => void,
  ) {}

  get size(): number {
    return this.byNumber.size;
  }

  add(paths: SegmentPaths, sealed: boolean): Segment {
    const seg: Segment = {
      paths,
      bytes: 0,
      end: 0,
      pending: 0,
      unread: 0,
      parked: 0,
      sealed,
      ackFd: undefined,
      acked: undefined,
    };
    this.byNumber.set(paths.n, seg);
    return seg;
  }

  get(count: number): Segment | undefined {
    return this.byNumber.get(count);
  }

  /** The lowest-numbered segment after `n`. */
  after(count: number): Segment | undefined {
    let next: Segment | undefined;
    for (const segment of this.byNumber.values())
      if (segment.paths.n > count && (!next || segment.paths.n < next.paths.n)) next = segment;
    return next;
  }

  values(): IterableIterator<Segment> {
    return this.byNumber.values();
  }

  removable(seg: Segment): boolean {
    return seg.sealed && seg.pending === 0 && seg.parked === 0 && seg.unread === 0;
  }

  /** Deletes `seg`'s files if nothing in it is needed any more. */
  collect(seg: Segment): void {
    if (!this.removable(seg)) return;
    if (this.reading?.n === seg.paths.n) this.closeReader();
    try {
      if (seg.ackFd !== undefined) this.fs.closeSync(seg.ackFd);
      seg.ackFd = undefined;
      rmSync(seg.paths.log, { force: true });
      rmSync(seg.paths.ack, { force: true });
    } catch (error) {
      // Left on disk, it is replayed next start and deduplicated by id there.
      this.report(
        new InferlogError("spool_write", `Could not remove spool segment ${seg.paths.log}`, { cause: error }),
      );
    }
    this.byNumber.delete(seg.paths.n);
    this.bytes -= seg.bytes;
  }

  /** A read handle on `seg`'s log, kept open while the backlog is read from it. */
  reader(seg: Segment): number {
    if (this.reading?.n === seg.paths.n) return this.reading.fd;
    this.closeReader();
    const fd = this.fs.openSync(seg.paths.log, "r");
    this.reading = { n: seg.paths.n, fd };
    return fd;
  }

  closeReader(): void {
    if (!this.reading) return;
    try {
      this.fs.closeSync(this.reading.fd);
    } catch {
      // already gone
    }
    this.reading = undefined;
  }
}
