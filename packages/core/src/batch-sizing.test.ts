import { describe, expect, it } from "vitest";
import { createBatchSizing, RECOVER_AFTER } from "./batch-sizing.js";

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
