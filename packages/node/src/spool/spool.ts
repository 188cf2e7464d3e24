import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import {
  ConfigError,
  type DropReason,
  InferlogError,
  intOption,
  type QueuedEvent,
  type StoredEvent,
} from "@inferlog/core";
import { encodeRecord } from "./record.js";
import { listSegments, type SegmentPaths } from "./segment-files.js";
import { readAcks, readSegment } from "./segment-reader.js";
import { type FsyncPolicy, SegmentWriter } from "./segment-writer.js";

export interface SpoolOptions {
  /** A directory only this process writes to; created if missing. */
  dir: string;
  /** Disk the spool may use (default 64 MiB). Events past it are still sent, but not persisted, and counted as `overflow`. */
  maxBytes?: number;
  /** Size at which a new segment file starts (default maxBytes / 16, between 64 KiB and 4 MiB). */
  segmentBytes?: number;
  /** Default `{ intervalMs: 1000 }`. See docs/node.md for what each policy survives. */
  fsync?: FsyncPolicy;
}

export interface SpoolStats {
  /** Bytes of segment files on disk now. */
  bytes: number;
  segments: number;
  /** Events appended by this process. */
  written: number;
  /** Events acknowledged and marked done on disk. */
  acked: number;
  /** Events kept on disk for the next start (shutdown deadline or retries ran out). */
  parked: number;
  /** Events that did not fit in `maxBytes` (or could not be written) and were sent from memory only. */
  overflow: number;
  /** Events read back from an earlier run. */
  replayed: number;
  /** Damaged segments found at start (read up to the damage). */
  corruptSegments: number;
}

export const DEFAULT_SPOOL_MAX_BYTES = 64 * 1024 * 1024;

interface Segment {
  paths: SegmentPaths;
  bytes: number;
  /** Events written or replayed and not yet settled. */
  pending: number;
  parked: number;
  sealed: boolean;
  ackFd: number | undefined;
}

/** Outcomes after which an event must not be sent again; the others wait on disk for the next start. */
const KEEP_FOR_NEXT_START: ReadonlySet<string> = new Set<DropReason>(["shutdown_timeout", "retries_exhausted"]);

/**
 * A write-ahead log of queued events in segment files. The client's hooks feed it:
 * `append` when an event enters the queue, `settle` when it leaves; a segment is
 * deleted once every event in it is settled.
 */
export class Spool {
  private readonly segments = new Map<number, Segment>();
  private readonly byId = new Map<string, Segment>();
  private writer: SegmentWriter | undefined;
  private totalBytes = 0;
  private full = false;
  private readonly counts = { written: 0, acked: 0, parked: 0, overflow: 0, replayed: 0, corruptSegments: 0 };
  readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly fsync: FsyncPolicy;

  constructor(
    private readonly o: SpoolOptions,
    private readonly report: (e: InferlogError) => void,
  ) {
    if (o === null || typeof o !== "object" || typeof o.dir !== "string" || o.dir.length === 0) {
      throw new ConfigError(
        `Expected \`spool.dir\` to be a non-empty directory path, got \`${JSON.stringify(o?.dir)}\``,
      );
    }
    this.maxBytes = intOption("spool.maxBytes", o.maxBytes, DEFAULT_SPOOL_MAX_BYTES, 1);
    const fallback = Math.min(4 * 1024 * 1024, Math.max(64 * 1024, Math.floor(this.maxBytes / 16)));
    this.segmentBytes = Math.min(this.maxBytes, intOption("spool.segmentBytes", o.segmentBytes, fallback, 1));
    this.fsync = o.fsync ?? { intervalMs: 1000 };
    const f = this.fsync as unknown;
    if (f !== "always" && f !== "never" && !(typeof f === "object" && f !== null)) {
      throw new ConfigError(
        `Expected \`spool.fsync\` to be "always", "never" or { intervalMs }, got \`${JSON.stringify(f)}\``,
      );
    }
    if (typeof f === "object")
      intOption("spool.fsync.intervalMs", (f as { intervalMs?: unknown }).intervalMs, undefined, 1);
  }

  /** Opens the directory and returns the events an earlier run left unacknowledged, oldest first. */
  open(): StoredEvent[] {
    mkdirSync(this.o.dir, { recursive: true });
    const replay: StoredEvent[] = [];
    let next = 1;
    for (const paths of listSegments(this.o.dir)) {
      next = paths.n + 1;
      const seg: Segment = { paths, bytes: 0, pending: 0, parked: 0, sealed: true, ackFd: undefined };
      try {
        const contents = readSegment(paths.log);
        seg.bytes = contents.validBytes + (contents.damage ? 1 : 0);
        if (contents.damage) {
          this.counts.corruptSegments++;
          this.report(
            new InferlogError(
              "spool_corrupt",
              `Spool segment ${paths.log} is damaged at byte ${contents.damage.offset} (${contents.damage.reason}): replaying the ${contents.events.length} events before it, skipping the rest`,
            ),
          );
        }
        const acked = readAcks(paths.ack);
        for (const e of contents.events) {
          if (acked.has(e.id) || this.byId.has(e.id)) continue;
          this.byId.set(e.id, seg);
          seg.pending++;
          replay.push(e);
        }
      } catch (e) {
        this.report(new InferlogError("spool_read", `Could not read spool segment ${paths.log}`, { cause: e }));
      }
      this.segments.set(paths.n, seg);
      this.totalBytes += seg.bytes;
      this.collect(seg);
    }
    this.counts.replayed = replay.length;
    this.writer = new SegmentWriter(this.o.dir, next, this.segmentBytes, this.fsync, (sealed) => {
      const seg = this.segments.get(sealed.n);
      if (!seg) return;
      seg.sealed = true;
      this.collect(seg);
    });
    this.segments.set(next, {
      paths: this.writer.current,
      bytes: 0,
      pending: 0,
      parked: 0,
      sealed: false,
      ackFd: undefined,
    });
    return replay;
  }

  /** Persists events entering the queue. Never throws: a failed write is counted as overflow. */
  append(events: readonly QueuedEvent[]): void {
    const w = this.writer;
    if (!w) return;
    let text = "";
    let bytes = 0;
    const ids: string[] = [];
    for (const e of events) {
      const line = encodeRecord(e);
      const n = Buffer.byteLength(line);
      if (this.totalBytes + bytes + n > this.maxBytes) {
        this.overflow(1);
        continue;
      }
      text += line;
      bytes += n;
      ids.push(e.id);
    }
    if (ids.length === 0) return;
    this.full = false;
    try {
      const paths = w.append(text, bytes);
      let seg = this.segments.get(paths.n);
      if (!seg) {
        seg = { paths, bytes: 0, pending: 0, parked: 0, sealed: false, ackFd: undefined };
        this.segments.set(paths.n, seg);
      }
      seg.bytes += bytes;
      seg.pending += ids.length;
      this.totalBytes += bytes;
      this.counts.written += ids.length;
      for (const id of ids) this.byId.set(id, seg);
    } catch (e) {
      this.overflow(ids.length, e);
    }
  }

  /** Marks settled events done (a segment with nothing left pending is deleted); returns how many stay on disk. */
  settle(events: readonly QueuedEvent[], outcome: "sent" | DropReason): number {
    const keep = KEEP_FOR_NEXT_START.has(outcome);
    const acks = new Map<Segment, string>();
    let kept = 0;
    for (const e of events) {
      const seg = this.byId.get(e.id);
      if (!seg) continue;
      this.byId.delete(e.id);
      seg.pending--;
      if (keep) {
        seg.parked++;
        kept++;
        this.counts.parked++;
      } else {
        acks.set(seg, `${acks.get(seg) ?? ""}${e.id}\n`);
        this.counts.acked++;
      }
    }
    for (const [seg, text] of acks) {
      try {
        if (seg.parked > 0 || seg.pending > 0 || !seg.sealed) {
          seg.ackFd ??= openSync(seg.paths.ack, "a");
          writeSync(seg.ackFd, text);
        }
      } catch (e) {
        this.report(new InferlogError("spool_write", `Could not record acks in ${seg.paths.ack}`, { cause: e }));
      }
      this.collect(seg);
    }
    return kept;
  }

  /** Forces appended events to stable storage now, whatever the fsync policy. */
  sync(): void {
    try {
      this.writer?.sync();
    } catch (e) {
      this.report(new InferlogError("spool_write", "Could not fsync the spool", { cause: e }));
    }
  }

  /** Syncs and closes files; a fully acknowledged current segment is removed. */
  close(): void {
    const w = this.writer;
    if (!w) return;
    this.writer = undefined;
    try {
      w.close();
    } catch (e) {
      this.report(new InferlogError("spool_write", "Could not close the spool", { cause: e }));
    }
    for (const seg of this.segments.values()) {
      seg.sealed = true;
      this.collect(seg);
      if (seg.ackFd !== undefined) closeSync(seg.ackFd);
      seg.ackFd = undefined;
    }
  }

  stats(): SpoolStats {
    return { bytes: this.totalBytes, segments: this.segments.size, ...this.counts };
  }

  private collect(seg: Segment): void {
    if (!seg.sealed || seg.pending > 0 || seg.parked > 0) return;
    try {
      if (seg.ackFd !== undefined) closeSync(seg.ackFd);
      seg.ackFd = undefined;
      rmSync(seg.paths.log, { force: true });
      rmSync(seg.paths.ack, { force: true });
    } catch (e) {
      // Left on disk, it is replayed next start and deduplicated by id there.
      this.report(new InferlogError("spool_write", `Could not remove spool segment ${seg.paths.log}`, { cause: e }));
    }
    this.segments.delete(seg.paths.n);
    this.totalBytes -= seg.bytes;
  }

  private overflow(count: number, cause?: unknown): void {
    this.counts.overflow += count;
    if (this.full) return; // one report per episode, not one per event
    this.full = true;
    this.report(
      new InferlogError(
        "spool_full",
        cause === undefined
          ? `The spool in ${this.o.dir} is full (${this.maxBytes} bytes); new events are sent from memory only until it drains`
          : `Could not append to the spool in ${this.o.dir}; events are sent from memory only`,
        cause === undefined ? undefined : { cause },
      ),
    );
  }
}
