import { readFileSync } from "node:fs";
import type { StoredEvent } from "@inferlog/core";
import { decodeRecord } from "./record.js";
import type { SpoolFs } from "./spool-fs.js";

export interface SegmentScan {
  /** Ids of the whole, valid records, in file order. */
  ids: string[];
  /** Bytes of the file that held whole, valid records. */
  validBytes: number;
  /** Size of the file. */
  fileBytes: number;
  /** Set when the file holds something after its last valid record (a crash mid-write, a flipped byte). */
  damage?: { offset: number; reason: "truncated" | "checksum" };
}

/**
 * Checks a segment up to its first damaged record. Everything before the damage is
 * trusted (each line carries a checksum); nothing after it is, since record bounds
 * can no longer be known for sure. Only the ids are kept: the events stay on disk
 * and are read back in order as memory frees up.
 */
export function scanSegment(path: string): SegmentScan {
  const buf = readFileSync(path);
  const ids: string[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const nl = buf.indexOf(10, offset);
    const base = { ids, validBytes: offset, fileBytes: buf.length };
    if (nl < 0) return { ...base, damage: { offset, reason: "truncated" } };
    const event = decodeRecord(buf.toString("utf8", offset, nl));
    if (!event) return { ...base, damage: { offset, reason: "checksum" } };
    ids.push(event.id);
    offset = nl + 1;
  }
  return { ids, validBytes: offset, fileBytes: buf.length };
}

/** Records read from `offset`; `next` is where the next read starts, `damaged` set when a record did not decode. */
export interface ReadResult {
  events: StoredEvent[];
  next: number;
  damaged: boolean;
}

const READ_CHUNK = 256 * 1024;

/**
 * Reads whole records from `fd` between `offset` and `end`: up to `maxCount` events whose
 * JSON adds up to at most `maxBytes` (so none when the first is larger). A record longer
 * than a chunk is read with a larger buffer.
 */
export function readRecords(
  fs: SpoolFs,
  fd: number,
  offset: number,
  end: number,
  maxCount: number,
  maxBytes: number,
): ReadResult {
  const events: StoredEvent[] = [];
  let bytes = 0;
  let size = READ_CHUNK;
  let full = false;
  while (offset < end && events.length < maxCount && !full) {
    const want = Math.min(size, end - offset);
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const count = fs.readSync(fd, buf, got, want - got, offset + got);
      if (count === 0) break;
      got += count;
    }
    let at = 0;
    let progressed = false;
    while (at < got && events.length < maxCount) {
      const nl = buf.indexOf(10, at);
      if (nl < 0 || nl >= got) break;
      const event = decodeRecord(buf.toString("utf8", at, nl));
      if (!event) return { events, next: offset + at, damaged: true };
      const size = Buffer.byteLength(event.json);
      if (bytes + size > maxBytes) {
        full = true;
        break;
      }
      events.push(event);
      bytes += size;
      at = nl + 1;
      progressed = true;
    }
    offset += at;
    if (!progressed && !full) {
      if (got < want || want === end - offset) return { events, next: offset, damaged: true };
      size *= 2; // one record longer than the buffer
    }
  }
  return { events, next: offset, damaged: false };
}

/** Ids recorded as acknowledged. A torn last line is ignored: that ack is simply redone. */
export function readAcks(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return new Set();
  }
  const lines = text.split("\n");
  lines.pop(); // after the final newline, or a torn line
  return new Set(lines.filter((line) => line.length > 0));
}
