import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InferlogError, QueuedEvent } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { diskFull } from "../../test/disk-full.js";
import { killOwner } from "../../test/killed-owner.js";
import { encodeRecord } from "./record.js";
import { scanSegment } from "./segment-reader.js";
import { Spool } from "./spool.js";
import type { SpoolFs } from "./spool-fs.js";

const ev = (i: number): QueuedEvent => ({
  seq: i,
  priority: 1,
  id: `id-${String(i).padStart(4, "0")}`,
  type: "ml.prediction",
  json: JSON.stringify({ id: `id-${i}`, data: { n: i } }),
  bytes: 0,
});
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => ev(from + k).id);

let dir: string;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const open = (fs?: SpoolFs, segmentBytes?: number) => {
  const errors: InferlogError[] = [];
  const spool = new Spool(
    { dir, fsync: "never", ...(segmentBytes ? { segmentBytes } : {}) },
    (e) => errors.push(e),
    fs,
  );
  spool.open();
  return { spool, errors };
};
const readAll = (spool: Spool) => spool.read(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).map((e) => e.id);
const logs = () =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort();

describe("spool integrity on a full disk", () => {
  it("truncates a short write back to the last whole record, so records written after the disk recovers are read", () => {
    dir = mkdtempSync(join(tmpdir(), "inferlog-enospc-"));
    const recordBytes = Buffer.byteLength(encodeRecord(ev(1)));
    const disk = { left: Math.floor(recordBytes * 5.5) }; // the 6th record is cut in half
    const a = open(diskFull(disk));
    for (let i = 1; i <= 10; i++) a.spool.admit([ev(i)]);
    expect(a.spool.stats()).toMatchObject({ written: 5, memoryOnly: 5 });
    expect(a.errors.map((e) => e.code)).toEqual(["spool_full"]);
    expect(a.errors[0]?.message).toMatch(/ENOSPC/);
    disk.left = Number.POSITIVE_INFINITY; // space is back
    for (let i = 11; i <= 20; i++) a.spool.admit([ev(i)]);
    killOwner(dir); // no close(): the process is killed here
    const [log] = logs();
    expect(scanSegment(join(dir, log as string))).not.toHaveProperty("damage");
    const b = open();
    expect(readAll(b.spool)).toEqual([...ids(1, 5), ...ids(11, 20)]);
    expect(b.errors).toEqual([]);
  });

  it("starts a new segment when the torn tail cannot be truncated, and still reads everything after it", () => {
    dir = mkdtempSync(join(tmpdir(), "inferlog-enospc-"));
    const recordBytes = Buffer.byteLength(encodeRecord(ev(1)));
    const disk = { left: Math.floor(recordBytes * 3.5), truncateFails: true };
    const a = open(diskFull(disk));
    for (let i = 1; i <= 6; i++) a.spool.admit([ev(i)]);
    disk.left = Number.POSITIVE_INFINITY;
    disk.truncateFails = false;
    for (let i = 7; i <= 12; i++) a.spool.admit([ev(i)]);
    expect(logs()).toHaveLength(2); // the torn one, sealed at its tear, and the next
    killOwner(dir);
    const b = open();
    expect(readAll(b.spool)).toEqual([...ids(1, 3), ...ids(7, 12)]);
    expect(b.errors.map((e) => e.code)).toEqual(["spool_corrupt"]); // the torn tail of the first segment
    expect(b.spool.stats().corruptSegments).toBe(1);
  });

  it("keeps diverted events across a failed write: the backlog resumes after the gap", () => {
    dir = mkdtempSync(join(tmpdir(), "inferlog-enospc-"));
    const recordBytes = Buffer.byteLength(encodeRecord(ev(1)));
    const disk = { left: Math.floor(recordBytes * 2.5) };
    const { spool } = open(diskFull(disk));
    const kept = Array.from({ length: 6 }, (_, k) => spool.divert(ev(k + 1)));
    expect(kept).toEqual([true, true, false, false, false, false]);
    disk.left = Number.POSITIVE_INFINITY;
    expect(spool.divert(ev(7))).toBe(true);
    expect(spool.backlog).toBe(3);
    expect(readAll(spool)).toEqual([ev(1).id, ev(2).id, ev(7).id]);
  });
});

describe("spool segment names", () => {
  it("reads segments past 12 digits, in numeric order, and numbers again from 1 once the directory is empty", () => {
    dir = mkdtempSync(join(tmpdir(), "inferlog-names-"));
    writeFileSync(join(dir, "seg-999999999999.log"), encodeRecord(ev(1)) + encodeRecord(ev(2)));
    const a = open(undefined, 100);
    a.spool.admit([ev(3)]); // goes to segment 10^12
    a.spool.admit([ev(4)]); // past segmentBytes: segment 10^12 + 1
    expect(logs()).toEqual(["seg-1000000000000.log", "seg-1000000000001.log", "seg-999999999999.log"]);
    killOwner(dir);
    const b = open();
    expect(readAll(b.spool)).toEqual(ids(1, 4));
    b.spool.settle(
      [1, 2, 3, 4].map((i) => ev(i)),
      "sent",
    );
    b.spool.close();
    expect(logs()).toEqual([]);
    const c = open();
    c.spool.admit([ev(5)]);
    expect(logs()).toEqual(["seg-000000000001.log"]);
  });
});
