import { describe, expect, it } from "vitest";
import { callsHoldingPause } from "../src/measure.js";

describe("calls matched to garbage-collection pauses", () => {
  // Call 0 ran 10.0-12.0 ms, call 1 ran 20.0-20.5 ms, call 2 ran 30.0-31.0 ms.
  const durationsNs = [2e6, 0.5e6, 1e6];
  const slow: [number, number][] = [
    [0, 12],
    [1, 20.5],
    [2, 31],
  ];

  it("counts a call that a pause overlaps at all, from inside, across its start or across its end", () => {
    expect(callsHoldingPause(slow, durationsNs, [[11, 11.5]])).toEqual(new Set([0]));
    expect(callsHoldingPause(slow, durationsNs, [[19, 20.1]])).toEqual(new Set([1]));
    expect(callsHoldingPause(slow, durationsNs, [[30.9, 33]])).toEqual(new Set([2]));
    expect(callsHoldingPause(slow, durationsNs, [[5, 40]])).toEqual(new Set([0, 1, 2]));
  });

  it("does not count a call with pauses only before or after it", () => {
    expect(
      callsHoldingPause(slow, durationsNs, [
        [9, 10],
        [12, 19],
        [20.5, 30],
        [31, 32],
      ]),
    ).toEqual(new Set());
  });
});
