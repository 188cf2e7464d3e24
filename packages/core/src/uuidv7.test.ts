import { describe, expect, it } from "vitest";
import { uuidv7, uuidv7Time } from "./uuidv7.js";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const tailOf = (id: string) => id.slice(19);

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 id that carries its millisecond and sorts by time", () => {
    const t = Date.UTC(2026, 10, 27, 9, 30);
    const ids = Array.from({ length: 2000 }, (_, i) => uuidv7(t + Math.floor(i / 100)));
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(2000);
    expect([...ids].sort()).toEqual(ids);
    expect(uuidv7Time(ids[0] as string)).toBe(t);
    expect(uuidv7Time("not-a-uuid")).toBeUndefined();
  });

  it("draws the random bits per millisecond: ids of one millisecond share them, the next gets new ones", () => {
    const t = Date.UTC(2026, 10, 27, 10, 0);
    const a = [uuidv7(t), uuidv7(t), uuidv7(t)];
    const b = uuidv7(t + 1);
    expect(new Set(a.map(tailOf)).size).toBe(1);
    expect(tailOf(b)).not.toBe(tailOf(a[0] as string));
    // the counter (after the version digit) counts up by one within the millisecond
    const counters = a.map((id) => Number.parseInt(id.slice(15, 18), 16));
    expect(counters).toEqual([counters[0], (counters[0] as number) + 1, (counters[0] as number) + 2]);
  });

  it("stays unique past the 12-bit counter, keeping the millisecond exact", () => {
    const t = Date.UTC(2026, 10, 27, 11, 0);
    const ids = Array.from({ length: 20_000 }, () => uuidv7(t));
    expect(new Set(ids).size).toBe(20_000);
    for (const id of ids) {
      expect(id).toMatch(V7);
      expect(uuidv7Time(id)).toBe(t);
    }
    expect(new Set(ids.map(tailOf)).size).toBeGreaterThanOrEqual(5); // fresh random bits per 2,048+ ids
    // a clock that steps back keeps the last millisecond
    expect(uuidv7Time(uuidv7(t - 5_000))).toBe(t);
  });

  it("has 62 random bits in the tail with the RFC variant", () => {
    const tails = new Set<string>();
    for (let ms = 1; ms <= 500; ms++) tails.add(tailOf(uuidv7(Date.UTC(2027, 0, 1) + ms)));
    expect(tails.size).toBe(500);
    for (const tail of tails) expect(tail).toMatch(/^[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
