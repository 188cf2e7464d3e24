import { describe, expect, it } from "vitest";
import type { PendingEvent } from "./build-event.js";
import { createIntake, INLINE_BUDGET, INTAKE_HIGH_WATER, SLICE_EVENTS } from "./intake.js";
import { settle } from "./testing/fake-clock.js";

const pending = (i: number): PendingEvent => ({ type: "ml.outcome", input: { i }, at: 0, predictionId: undefined });

function counted(pressed = () => false) {
  const prepared: number[] = [];
  const runs: number[] = [];
  let run = 0;
  const intake = createIntake({
    _prepare: (p) => {
      prepared.push((p.input as { i: number }).i);
      run++;
    },
    _prepared: () => {
      runs.push(run);
      run = 0;
    },
    _pressed: pressed,
  });
  return { intake, prepared, runs };
}

describe("intake", () => {
  it("in a tight loop, no call prepares more than INLINE_BUDGET events and the intake stays bounded", () => {
    const { intake, prepared } = counted();
    let most = 0;
    let longest = 0;
    for (let i = 0; i < 100_000; i++) {
      const before = prepared.length;
      intake._add(pending(i));
      most = Math.max(most, prepared.length - before);
      longest = Math.max(longest, intake._length());
    }
    expect(most).toBe(INLINE_BUDGET);
    expect(longest).toBe(INTAKE_HIGH_WATER - 1);
    // Oldest first, none skipped or repeated.
    expect(prepared).toEqual(Array.from({ length: prepared.length }, (_, i) => i));
  });

  it("prepares the rest a microtask later, then in slices of SLICE_EVENTS on later tasks", async () => {
    const { intake, prepared, runs } = counted();
    for (let i = 0; i < 200; i++) intake._add(pending(i));
    expect(prepared).toHaveLength(0);
    await Promise.resolve();
    expect(prepared).toHaveLength(SLICE_EVENTS);
    await settle();
    expect(prepared).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(Math.max(...runs)).toBe(SLICE_EVENTS);
  });

  it("prepares inline while the send queue is pressed, still within the budget", () => {
    const { intake, prepared } = counted(() => true);
    for (let i = 0; i < 10; i++) intake._add(pending(i));
    expect(prepared).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it("prepareAll empties it at once (flush, shutdown, page close)", () => {
    const { intake, prepared } = counted();
    for (let i = 0; i < 100; i++) intake._add(pending(i));
    intake._prepareAll();
    expect(prepared).toHaveLength(100);
    expect(intake._length()).toBe(0);
  });
});
