import { mkdirSync } from "node:fs";
import type { DropReason, QueuedEvent, StoredEvent } from "@inferlog/core";
import { InferlogError, keepsStored } from "@inferlog/core/lite";
import { encodeRecord } from "./record.js";
import { listSegments, type SegmentPaths } from "./segment-files.js";
import { readAcks, readRecords, scanSegment } from "./segment-reader.js";
import { type Segment, SegmentTable } from "./segment-table.js";
import { SegmentWriter } from "./segment-writer.js";
import { lockSpoolDir, type SpoolLock } from "./spool-lock.js";
import { type ResolvedSpoolOptions, resolveSpoolOptions, type SpoolOptions } from "./spool-options.js";

export { DEFAULT_SPOOL_MAX_BYTES, type SpoolOptions } from "./spool-options.js";

import { nodeFs, type SpoolFs } from "./spool-fs.js";

export interface SpoolStats {
  /** Bytes of segment files on disk now. */
  bytes: number;
  segments: number;
  /** Events written to disk by this process (in memory too, or on disk only). */
  written: number;
  /** Events on disk only, waiting for room in memory (this run's overflow and an earlier run's leftovers). */
  backlog: number;
  /** Events this process wrote to disk only because memory was full. */
  diverted: number;
  /** Events acknowledged and marked done on disk. */
  acked: number;
  /** Events kept on disk for the next start (shutdown deadline or retries ran out). */
  parked: number;
  /** Events memory held but the disk did not (spool full or a failed write): sent from memory only. */
  memoryOnly: number;
  /** Events memory could not hold and the disk could not either: dropped, counted as `spool_full`. */
  full: number;
  /** Events read back from an earlier run. */
  replayed: number;
  /** Damaged segments found (read up to the damage). */
  corruptSegments: number;
}

/**
 * A log of events in segment files that holds what memory cannot. Every event is written
 * once: either as it enters the memory queue (`admit`, a write-ahead copy), or, while
 * memory is full or events wait before it, instead of entering it (`divert`). The
 * diverted events form the backlog, always the tail of the log from a read cursor on,
 * so `read` hands them back oldest first with their original ids as memory frees up.
 * `settle` marks events done; a segment is deleted once nothing in it is pending.
 */
export class Spool {
  private readonly segments: SegmentTable;
  private readonly byId = new Map<string, Segment>();
  private writer: SegmentWriter | undefined;
  private lock: SpoolLock | undefined;
  private reportedFull = false;
  private backlogCount = 0;
  /** Where the backlog starts; meaningful only while `backlogCount > 0`. */
  private cursor = { n: 0, offset: 0 };
  private readonly counts = {
    written: 0,
    diverted: 0,
    acked: 0,
    parked: 0,
    memoryOnly: 0,
    full: 0,
    replayed: 0,
    corruptSegments: 0,
  };
  readonly maxBytes: number;
  private readonly o: ResolvedSpoolOptions;

  constructor(
    options: SpoolOptions,
    private readonly report: (error: InferlogError) => void,
    private readonly fs: SpoolFs = nodeFs,
  ) {
    this.o = resolveSpoolOptions(options);
    this.segments = new SegmentTable(fs, report);
    this.maxBytes = this.o.maxBytes;
  }

  /**
   * Opens the directory, taking its lock (throws when another client uses it); returns how many
   * events an earlier run left unacknowledged (they form the backlog).
   */
  open(): number {
    mkdirSync(this.o.dir, { recursive: true });
    const lock = lockSpoolDir(this.o.dir);
    try {
      const backlog = this.load();
      this.lock = lock;
      return backlog;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Reads the segments earlier runs left and starts a new one to append to. */
  private load(): number {
    let next = 1; // an empty directory starts numbering again, so names stay short
    for (const paths of listSegments(this.o.dir)) {
      next = paths.n + 1;
      const seg = this.segments.add(paths, true);
      try {
        const scan = scanSegment(paths.log);
        seg.bytes = scan.fileBytes;
        seg.end = scan.validBytes;
        if (scan.damage) this.damaged(paths, scan.damage.offset, scan.damage.reason, scan.ids.length);
        const acked = readAcks(paths.ack);
        for (const id of scan.ids) if (!acked.has(id)) seg.unread++;
        if (acked.size > 0) seg.acked = acked;
      } catch (error) {
        this.report(new InferlogError("spool_read", `Could not read spool segment ${paths.log}`, { cause: error }));
      }
      this.segments.bytes += seg.bytes;
      if (seg.unread > 0 && this.backlogCount === 0) this.cursor = { n: paths.n, offset: 0 };
      this.backlogCount += seg.unread;
      this.counts.replayed += seg.unread;
      this.segments.collect(seg);
    }
    this.writer = new SegmentWriter(
      this.fs,
      this.o.dir,
      next,
      this.o.segmentBytes,
      this.o.fsync,
      (sealed, end, opened) => {
        this.segments.add(opened, false);
        const seg = this.segments.get(sealed.n);
        if (!seg) return;
        seg.sealed = true;
        seg.end = end;
        this.segments.collect(seg);
      },
    );
    this.segments.add(this.writer.current, false);
    return this.backlogCount;
  }

  /** Events waiting on disk only. */
  get backlog(): number {
    return this.backlogCount;
  }

  /**
   * Persists events entering the memory queue. Never throws: an event the disk cannot take
   * is still sent from memory, and counted as `memoryOnly`.
   */
  admit(events: readonly QueuedEvent[]): void {
    const written = this.write(events);
    if (!written) {
      this.counts.memoryOnly += events.length;
      return;
    }
    written.seg.pending += events.length;
    for (const event of events) this.byId.set(event.id, written.seg);
  }

  /** Keeps `e` on disk only, at the end of the backlog. False when the disk cannot take it. */
  divert(event: QueuedEvent): boolean {
    const written = this.write([event]);
    if (!written) return false;
    if (this.backlogCount === 0) this.cursor = { n: written.seg.paths.n, offset: written.offset };
    written.seg.unread++;
    this.backlogCount++;
    this.counts.diverted++;
    return true;
  }

  /** Counts an event that neither memory nor the disk could hold. */
  lost(count: number): void {
    this.counts.full += count;
  }

  /**
   * Up to `maxCount` backlog events whose JSON adds up to at most `maxBytes`, oldest first,
   * now counted as in memory. Never throws: a segment that cannot be read is reported and skipped.
   */
  read(maxCount: number, maxBytes: number): StoredEvent[] {
    const out: StoredEvent[] = [];
    let bytes = 0;
    while (this.backlogCount > 0 && out.length < maxCount && bytes < maxBytes) {
      const seg = this.segments.get(this.cursor.n);
      if (!seg || this.cursor.offset >= seg.end || seg.unread === 0) {
        if (!this.advance(seg)) break;
        continue;
      }
      try {
        const fd = this.segments.reader(seg);
        const result = readRecords(this.fs, fd, this.cursor.offset, seg.end, maxCount - out.length, maxBytes - bytes);
        this.cursor.offset = result.next;
        for (const event of result.events) {
          // Acknowledged in an earlier run, or (after a failed divert) written while already in memory.
          if (seg.acked?.has(event.id) || this.byId.has(event.id)) continue;
          seg.unread--;
          this.backlogCount--;
          seg.pending++;
          this.byId.set(event.id, seg);
          bytes += Buffer.byteLength(event.json);
          out.push(event);
        }
        if (result.damaged) {
          this.damaged(seg.paths, result.next, "checksum", 0);
          seg.end = result.next;
        } else if (result.events.length === 0 && result.next < seg.end) {
          break; // the next event does not fit in `maxBytes`
        }
      } catch (error) {
        this.report(new InferlogError("spool_read", `Could not read spool segment ${seg.paths.log}`, { cause: error }));
        seg.end = this.cursor.offset;
      }
    }
    return out;
  }

  /** Marks settled events done (a segment with nothing left pending is deleted); returns how many stay on disk. */
  settle(events: readonly QueuedEvent[], outcome: "sent" | DropReason): number {
    // Core's rule, shared with the browser's IndexedDB store: these wait on disk for the next start.
    const keep = keepsStored(outcome);
    const acks = new Map<Segment, string>();
    let kept = 0;
    for (const event of events) {
      const seg = this.byId.get(event.id);
      if (!seg) continue;
      this.byId.delete(event.id);
      seg.pending--;
      if (keep) {
        seg.parked++;
        kept++;
        this.counts.parked++;
      } else {
        acks.set(seg, `${acks.get(seg) ?? ""}${event.id}\n`);
        this.counts.acked++;
      }
    }
    for (const [seg, text] of acks) {
      try {
        if (!this.segments.removable(seg)) {
          seg.ackFd ??= this.fs.openSync(seg.paths.ack, "a");
          const buf = Buffer.from(text);
          this.fs.writeSync(seg.ackFd, buf, 0, buf.length);
        }
      } catch (error) {
        // Unrecorded, the ack is redone: the event is replayed at the next start and deduplicated by id.
        this.report(new InferlogError("spool_write", `Could not record acks in ${seg.paths.ack}`, { cause: error }));
      }
      this.segments.collect(seg);
    }
    return kept;
  }

  /** Forces appended events to stable storage now, whatever the fsync policy. */
  sync(): void {
    try {
      this.writer?.sync();
    } catch (error) {
      this.report(new InferlogError("spool_write", "Could not fsync the spool", { cause: error }));
    }
  }

  /**
   * Syncs and closes files and releases the directory's lock; a fully acknowledged segment is
   * removed, the backlog stays for the next start.
   */
  close(): void {
    const segmentWriter = this.writer;
    if (!segmentWriter) return;
    this.writer = undefined;
    try {
      segmentWriter.close();
    } catch (error) {
      this.report(new InferlogError("spool_write", "Could not close the spool", { cause: error }));
    }
    this.segments.closeReader();
    for (const seg of this.segments.values()) {
      seg.sealed = true;
      this.segments.collect(seg);
      if (seg.ackFd !== undefined) this.fs.closeSync(seg.ackFd);
      seg.ackFd = undefined;
    }
    this.lock?.release();
    this.lock = undefined;
  }

  stats(): SpoolStats {
    return { bytes: this.segments.bytes, segments: this.segments.size, backlog: this.backlogCount, ...this.counts };
  }

  /** Appends whole records; the segment they went to, or undefined (counted and reported) when the disk cannot take them. */
  private write(events: readonly QueuedEvent[]): { seg: Segment; offset: number } | undefined {
    const segmentWriter = this.writer;
    if (!segmentWriter) return undefined;
    let text = "";
    for (const event of events) text += encodeRecord(event);
    const records = Buffer.from(text);
    if (this.segments.bytes + records.length > this.maxBytes) {
      this.reportFull();
      return undefined;
    }
    try {
      const { segment, offset } = segmentWriter.append(records);
      const seg = this.segments.get(segment.n) ?? this.segments.add(segment, false);
      seg.bytes += records.length;
      seg.end = segmentWriter.bytes;
      this.segments.bytes += records.length;
      this.counts.written += events.length;
      this.reportedFull = false;
      return { seg, offset };
    } catch (error) {
      this.reportFull(error);
      return undefined;
    }
  }

  /** Moves the cursor to the next segment holding backlog; false when there is none. */
  private advance(seg: Segment | undefined): boolean {
    if (seg && !seg.sealed && seg.unread > 0) return false; // more is being written here
    if (seg && seg.unread > 0) {
      // Records counted at open that could not be read (damage found later): gone.
      this.backlogCount -= seg.unread;
      seg.unread = 0;
    }
    if (seg) {
      seg.acked = undefined;
      this.segments.collect(seg);
    }
    this.segments.closeReader();
    const next = this.segments.after(this.cursor.n);
    if (!next) {
      this.backlogCount = 0;
      return false;
    }
    this.cursor = { n: next.paths.n, offset: 0 };
    return true;
  }

  private damaged(paths: SegmentPaths, offset: number, reason: string, before: number): void {
    this.counts.corruptSegments++;
    this.report(
      new InferlogError(
        "spool_corrupt",
        `Spool segment ${paths.log} is damaged at byte ${offset} (${reason}): replaying the ${before} events before it, skipping the rest`,
      ),
    );
  }

  private reportFull(cause?: unknown): void {
    if (this.reportedFull) return; // one report per episode, not one per event
    this.reportedFull = true;
    this.report(
      new InferlogError(
        "spool_full",
        cause === undefined
          ? `The spool in ${this.o.dir} is full (${this.maxBytes} bytes); until it drains, events memory cannot hold are dropped (counted as spool_full)`
          : `Could not append to the spool in ${this.o.dir} (${(cause as { code?: string }).code ?? String(cause)}); until it can, events memory cannot hold are dropped (counted as spool_full)`,
        cause === undefined ? undefined : { cause },
      ),
    );
  }
}
