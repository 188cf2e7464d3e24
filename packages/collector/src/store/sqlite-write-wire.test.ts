import { describe, expect, it } from "vitest";
import { prediction } from "../../test/test-support.js";
import { EVENTS_PER_PART, postInParts } from "./sqlite-write-wire.js";
import type { IncomingEvent } from "./types.js";

const incoming = (count: number): IncomingEvent[] =>
  Array.from({ length: count }, (_, index) => ({ event: prediction() as never, receivedMs: index }));

describe("a group on its way to the SQLite write worker", () => {
  it("goes in parts of EVENTS_PER_PART, in order, the last one holding the rest", async () => {
    const events = incoming(2 * EVENTS_PER_PART + 7);
    const parts: (readonly IncomingEvent[])[] = [];
    await postInParts(events, (part) => parts.push(part));
    expect(parts.map((part) => part.length)).toEqual([EVENTS_PER_PART, EVENTS_PER_PART, 7]);
    expect(parts.flat()).toEqual(events);
  });

  it("hands the event loop back between parts when a slice is used up, never after the last", async () => {
    let pauses = 0;
    const alwaysDue = { due: () => true, pause: async () => void pauses++ };
    const parts: number[] = [];
    await postInParts(incoming(3 * EVENTS_PER_PART), (part) => parts.push(part.length), alwaysDue);
    expect(parts).toEqual([EVENTS_PER_PART, EVENTS_PER_PART, EVENTS_PER_PART]);
    expect(pauses).toBe(2);
    await postInParts([], () => parts.push(-1), alwaysDue);
    expect(parts).toHaveLength(3);
  });
});
