import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InferlogError, QueuedEvent } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { killOwner } from "../../test/killed-owner.js";
import { decodeRecord, encodeRecord } from "./record.js";
import { scanSegment } from "./segment-reader.js";
import { Spool } from "./spool.js";
import { SPOOL_LOCK_FILE } from "./spool-lock.js";

const ev = (i: number): QueuedEvent => ({
  seq: i,
  priority: 1,
  id: `id-${String(i).padStart(4, "0")}`,
  type: "ml.prediction",
  json: JSON.stringify({ id: `id-${i}`, data: { text: "line\nbreak\ttab é" } }),
  bytes: 0,
});

let dir: string;
const open = (opts: Partial<ConstructorParameters<typeof Spool>[0]> = {}) => {
  const errors: InferlogError[] = [];
  const spool = new Spool({ dir, fsync: "never", ...opts }, (e) => errors.push(e));
  spool.open();
  const replay = spool.read(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  return { spool, replay, errors };
};
const files = () => readdirSync(dir).sort();
const segmentFiles = () => files().filter((f) => f !== SPOOL_LOCK_FILE);

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const fresh = () => {
  dir = mkdtempSync(join(tmpdir(), "inferlog-spool-"));
};

describe("spool records", () => {
  it("round-trips an event and rejects a flipped byte", () => {
    const line = encodeRecord(ev(1)).slice(0, -1);
    expect(decodeRecord(line)).toEqual({ id: "id-0001", type: "ml.prediction", json: ev(1).json });
    expect(decodeRecord(line.replace("line", "lime"))).toBeUndefined();
    expect(decodeRecord("garbage")).toBeUndefined();
  });
});

describe("Spool", () => {
  it("replays unacknowledged events with their ids at the next open, then deletes acknowledged segments", () => {
    fresh();
    const a = open();
    a.spool.admit([ev(1), ev(2), ev(3), ev(4)]);
    a.spool.settle([ev(1), ev(3)], "sent");
    killOwner(dir); // no close(): the process died here
    const b = open();
    expect(b.replay.map((e) => e.id)).toEqual(["id-0002", "id-0004"]);
    expect(b.replay[0]?.json).toBe(ev(2).json);
    expect(b.spool.stats()).toMatchObject({ replayed: 2, corruptSegments: 0 });
    b.spool.settle([ev(2), ev(4)], "sent");
    b.spool.close();
    expect(files()).toEqual([]);
  });

  it("keeps events that ran out of time or retries for the next start, and forgets final drops", () => {
    fresh();
    const a = open();
    a.spool.admit([ev(1), ev(2), ev(3), ev(4)]);
    expect(a.spool.settle([ev(1)], "shutdown_timeout")).toBe(1);
    expect(a.spool.settle([ev(2)], "retries_exhausted")).toBe(1);
    expect(a.spool.settle([ev(3)], "rejected")).toBe(0);
    a.spool.settle([ev(4)], "queue_full");
    a.spool.close();
    expect(a.spool.stats()).toMatchObject({ written: 4, acked: 2, parked: 2 });
    expect(open().replay.map((e) => e.id)).toEqual(["id-0001", "id-0002"]);
  });

  it("rotates segments and deletes each one once all its events are settled", () => {
    fresh();
    const { spool } = open({ segmentBytes: 250 });
    for (let i = 1; i <= 9; i++) spool.admit([ev(i)]);
    const logs = files().filter((f) => f.endsWith(".log"));
    expect(logs.length).toBeGreaterThanOrEqual(3);
    spool.settle([ev(1), ev(2), ev(3), ev(4), ev(5), ev(6), ev(7), ev(8)], "sent");
    expect(files().filter((f) => f.endsWith(".log")).length).toBeLessThan(logs.length);
    spool.settle([ev(9)], "sent");
    spool.close();
    expect(files()).toEqual([]);
    expect(spool.stats().bytes).toBe(0);
  });

  it("stays within maxBytes, counts the overflow and reports it once", () => {
    fresh();
    const { spool, errors } = open({ maxBytes: 1_000 });
    for (let i = 1; i <= 20; i++) spool.admit([ev(i)]);
    const s = spool.stats();
    expect(s.bytes).toBeLessThanOrEqual(1_000);
    expect(s.written + s.memoryOnly).toBe(20);
    expect(s.memoryOnly).toBeGreaterThan(0);
    expect(errors.map((e) => e.code)).toEqual(["spool_full"]);
    const size = segmentFiles().reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    expect(size).toBeLessThanOrEqual(1_000);
  });

  it("reads a segment torn mid-record up to the damage, reports it, and never throws", () => {
    fresh();
    const a = open();
    a.spool.admit([ev(1), ev(2), ev(3)]);
    a.spool.close();
    const log = join(dir, files().find((f) => f.endsWith(".log")) as string);
    const bytes = readFileSync(log);
    writeFileSync(log, bytes.subarray(0, bytes.length - 10)); // a crash in the middle of the last write
    expect(scanSegment(log)).toMatchObject({ damage: { reason: "truncated" } });
    const b = open();
    expect(b.replay.map((e) => e.id)).toEqual(["id-0001", "id-0002"]);
    expect(b.errors.map((e) => e.code)).toEqual(["spool_corrupt"]);
    expect(b.errors[0]?.message).toMatch(/damaged at byte \d+ \(truncated\): replaying the 2 events before it/);
    b.spool.settle([ev(1), ev(2)], "sent");
    b.spool.close();
    expect(files()).toEqual([]);
  });

  it("stops at a corrupted record in the middle and ignores a torn ack line", () => {
    fresh();
    const a = open();
    a.spool.admit([ev(1), ev(2), ev(3)]);
    a.spool.settle([ev(1)], "sent");
    a.spool.close();
    const log = join(dir, files().find((f) => f.endsWith(".log")) as string);
    const text = readFileSync(log, "utf8").split("\n");
    text[1] = (text[1] as string).replace("line", "LINE");
    writeFileSync(log, text.join("\n"));
    appendFileSync(log.replace(".log", ".ack"), "id-00"); // torn ack
    const b = open();
    expect(b.replay).toEqual([]); // id-0001 acked; id-0002 damaged; id-0003 after the damage
    expect(b.errors[0]?.message).toMatch(/\(checksum\)/);
  });

  it("keeps diverted events as a backlog after the events in memory and reads it back oldest first, within a byte budget", () => {
    fresh();
    const { spool } = open();
    spool.admit([ev(1), ev(2)]);
    for (let i = 3; i <= 6; i++) expect(spool.divert(ev(i))).toBe(true);
    expect(spool.stats()).toMatchObject({ written: 6, diverted: 4, backlog: 4 });
    const one = Buffer.byteLength(ev(3).json);
    expect(spool.read(10, one - 1)).toEqual([]); // the next event does not fit: nothing is taken
    expect(spool.read(10, one * 2 + 1).map((e) => e.id)).toEqual(["id-0003", "id-0004"]);
    expect(spool.read(1, Number.POSITIVE_INFINITY).map((e) => e.id)).toEqual(["id-0005"]);
    expect(spool.backlog).toBe(1);
    // Killed here: at the next start the backlog follows what was in memory, in the order logged.
    killOwner(dir);
    const b = open();
    expect(b.replay.map((e) => e.id)).toEqual(["id-0001", "id-0002", "id-0003", "id-0004", "id-0005", "id-0006"]);
  });

  it("refuses bad options with the field named", () => {
    fresh();
    expect(() => new Spool({ dir, fsync: "sometimes" as never }, () => {})).toThrow(/`spool.fsync` to be "always"/);
    expect(() => new Spool({ dir, fsync: { intervalMs: 0 } }, () => {})).toThrow(/`spool.fsync.intervalMs`/);
    expect(() => new Spool({ dir, segmentBytes: 1.5 }, () => {})).toThrow(
      /`spool.segmentBytes` to be a positive integer/,
    );
  });
});
