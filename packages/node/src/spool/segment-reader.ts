import { readFileSync } from "node:fs";
import type { StoredEvent } from "@inferlog/core";
import { decodeRecord } from "./record.js";

export interface SegmentContents {
  events: StoredEvent[];
  /** Bytes of the file that held whole, valid records. */
  validBytes: number;
  /** Set when the file holds something after its last valid record (a crash mid-write, a flipped byte). */
  damage?: { offset: number; reason: "truncated" | "checksum" };
}

/**
 * Reads a segment up to its first damaged record. Everything before the damage is
 * trusted (each line carries a checksum); nothing after it is, since record bounds
 * can no longer be known for sure.
 */
export function readSegment(path: string): SegmentContents {
  const buf = readFileSync(path);
  const events: StoredEvent[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const nl = buf.indexOf(10, offset);
    if (nl < 0) return { events, validBytes: offset, damage: { offset, reason: "truncated" } };
    const e = decodeRecord(buf.toString("utf8", offset, nl));
    if (!e) return { events, validBytes: offset, damage: { offset, reason: "checksum" } };
    events.push(e);
    offset = nl + 1;
  }
  return { events, validBytes: offset };
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
  return new Set(lines.filter((l) => l.length > 0));
}
