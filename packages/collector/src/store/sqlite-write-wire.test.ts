import { describe, expect, it } from "vitest";
import { prediction } from "../../test/test-support.js";
import { decodeGroup, encodeGroup, transferablesOf } from "./sqlite-write-wire.js";
import type { IncomingEvent } from "./types.js";

/** Events whose text holds what could split or end a line: newlines, NUL, separators, non-Latin text. */
const awkward = (): IncomingEvent[] =>
  ["plain", "line\nbreak", "nul\u0000char", "line\u2028separator", "ünïcödé 🦊", '"quoted"\r\n'].map(
    (label, index) => ({ event: prediction({ label }) as never, receivedMs: 1_000 + index }),
  );

describe("the SQLite write wire", () => {
  it("gives back each event, its receive time and its JSON, in order", async () => {
    const events = awkward();
    const decoded = decodeGroup(await encodeGroup(events));
    expect(decoded.map((entry) => entry.event)).toEqual(events.map((entry) => entry.event));
    expect(decoded.map((entry) => entry.receivedMs)).toEqual([1_000, 1_001, 1_002, 1_003, 1_004, 1_005]);
    expect(decoded.map((entry) => entry.raw)).toEqual(events.map((entry) => JSON.stringify(entry.event)));
  });

  it("writes a chunk per slice of the event loop and reads them back as one group", async () => {
    const events = [...awkward(), ...awkward(), ...awkward()];
    let calls = 0;
    let pauses = 0;
    const everyFourth = {
      due: () => ++calls % 4 === 0,
      pause: async () => {
        pauses++;
      },
    };
    const group = await encodeGroup(events, everyFourth);
    // 18 events, a slice due after every fourth: chunks of 4, 4, 4, 4 and 2.
    expect(group.chunks.map((chunk) => new TextDecoder().decode(chunk).split("\n").length)).toEqual([4, 4, 4, 4, 2]);
    expect(pauses).toBe(4);
    expect(decodeGroup(group).map((entry) => entry.event)).toEqual(events.map((entry) => entry.event));
    expect(transferablesOf(group)).toHaveLength(6);
  });

  it("answers an empty group with no events, and refuses a group whose times do not match its events", async () => {
    expect(decodeGroup(await encodeGroup([]))).toEqual([]);
    const group = await encodeGroup(awkward());
    expect(() => decodeGroup({ ...group, receivedMs: new Float64Array(2) })).toThrow(
      "Expected 2 events in the write group, got 6",
    );
  });
});
