import { describe, expect, it } from "vitest";
import {
  ADAPTIVE_FILL_MS,
  createAdaptiveBatchSizing,
  createBatchSizing,
  RATE_WINDOW_MS,
  RECOVER_AFTER,
} from "./batch-sizing.js";

describe("batch sizing", () => {
  it("halves the count and caps the bytes under a refused batch", () => {
    const sizing = createBatchSizing(100, 512_000);
    sizing._tooLarge(100, 300_000);
    expect([sizing._count(), sizing._bytes()]).toEqual([50, 299_999]);
    sizing._tooLarge(50, 150_000);
    expect([sizing._count(), sizing._bytes()]).toEqual([25, 149_999]);
    sizing._tooLarge(3, 10);
    expect(sizing._count()).toBe(2);
  });

  it("doubles back after RECOVER_AFTER successes near the reduced size, up to the configured limits", () => {
    const sizing = createBatchSizing(100, 512_000);
    sizing._tooLarge(100, 300_000);
    for (let i = 0; i < RECOVER_AFTER - 1; i++) sizing._delivered(50, 140_000);
    expect(sizing._count()).toBe(50);
    sizing._delivered(50, 140_000);
    expect([sizing._count(), sizing._bytes()]).toEqual([100, 512_000]);
  });

  it("does not regrow on small batches (a trickle says nothing about the size the collector takes)", () => {
    const sizing = createBatchSizing(100, 512_000);
    sizing._tooLarge(100, 300_000);
    for (let i = 0; i < 3 * RECOVER_AFTER; i++) sizing._delivered(3, 2_000);
    expect(sizing._count()).toBe(50);
  });

  it("a 413 restarts the count toward regrowth", () => {
    const sizing = createBatchSizing(100, 512_000);
    sizing._tooLarge(100, 300_000);
    for (let i = 0; i < RECOVER_AFTER - 1; i++) sizing._delivered(50, 140_000);
    sizing._tooLarge(50, 140_000);
    for (let i = 0; i < RECOVER_AFTER - 1; i++) sizing._delivered(25, 70_000);
    expect(sizing._count()).toBe(25);
    sizing._delivered(25, 70_000);
    expect(sizing._count()).toBe(50);
  });
});

describe("adaptive batch sizing", () => {
  /** Delivers batches of the size asked for, `rate` events per second, for `ms`; returns the sizes. */
  const run = (
    sizing: ReturnType<typeof createAdaptiveBatchSizing>,
    clock: { t: number },
    rate: number,
    ms: number,
  ) => {
    const sizes: number[] = [];
    const end = clock.t + ms;
    while (clock.t < end) {
      const count = sizing._count();
      clock.t += (count / rate) * 1000;
      sizing._delivered(count, count * 600);
      sizes.push(count);
    }
    return sizes;
  };

  it("stays at flushAt at low rates and grows to what the rate fills in ADAPTIVE_FILL_MS, up to the ceiling", () => {
    const clock = { t: 0 };
    const sizing = createAdaptiveBatchSizing(100, 500, 512_000, () => clock.t);
    expect(new Set(run(sizing, clock, 1_000, 2_000))).toEqual(new Set([100]));
    // 4,000/s fills 200 in 50 ms; the first window still measures the old rate.
    expect(run(sizing, clock, 4_000, 2_000).slice(-5)).toEqual([200, 200, 200, 200, 200]);
    expect((4_000 * ADAPTIVE_FILL_MS) / 1000).toBe(200);
    expect(run(sizing, clock, 10_000, 2_000).slice(-5)).toEqual([500, 500, 500, 500, 500]);
    expect(run(sizing, clock, 50_000, 2_000).slice(-5)).toEqual([500, 500, 500, 500, 500]);
    // The rate falls: the batch already grown fills slowly (the flush interval bounds its wait), then back to flushAt.
    const slow = run(sizing, clock, 500, 5_000);
    expect(slow[0]).toBe(500);
    expect(slow.slice(-5)).toEqual([100, 100, 100, 100, 100]);
  });

  it("measures over windows of at least RATE_WINDOW_MS, so one quick batch changes nothing", () => {
    const clock = { t: 0 };
    const sizing = createAdaptiveBatchSizing(100, 500, 512_000, () => clock.t);
    clock.t += RATE_WINDOW_MS - 1;
    sizing._delivered(100, 60_000);
    sizing._delivered(100, 60_000);
    expect(sizing._count()).toBe(100);
    clock.t += 1;
    sizing._delivered(100, 60_000); // 300 events in 250 ms: 60 in 50 ms, below flushAt
    expect(sizing._count()).toBe(100);
  });

  it("a 413 halves the grown size and caps the bytes, as fixed batches do", () => {
    const clock = { t: 0 };
    const sizing = createAdaptiveBatchSizing(100, 500, 512_000, () => clock.t);
    run(sizing, clock, 10_000, 1_000);
    expect(sizing._count()).toBe(500);
    sizing._tooLarge(500, 300_000);
    expect([sizing._count(), sizing._bytes()]).toEqual([250, 299_999]);
  });
});
