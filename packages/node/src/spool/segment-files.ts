import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Segment `n` lives in `seg-<n>.log`; the ids the collector acknowledged from it in `seg-<n>.ack`.
 * Names are padded to 12 digits so a directory listing sorts them, but the reader takes any
 * length: segment 10^12 is `seg-1000000000000.log`, and the list is sorted by number, not name.
 */
const NAME = /^seg-(\d{12,16})\.log$/;
const PAD = 12;

export interface SegmentPaths {
  n: number;
  log: string;
  ack: string;
}

export function segmentPaths(dir: string, count: number): SegmentPaths {
  const base = join(dir, `seg-${String(count).padStart(PAD, "0")}`);
  return { n: count, log: `${base}.log`, ack: `${base}.ack` };
}

/** Existing segments, oldest first. */
export function listSegments(dir: string): SegmentPaths[] {
  const out: SegmentPaths[] = [];
  for (const name of readdirSync(dir)) {
    const regExpExecArray = NAME.exec(name);
    if (regExpExecArray) out.push(segmentPaths(dir, Number(regExpExecArray[1])));
  }
  return out.sort((left, right) => left.n - right.n);
}
