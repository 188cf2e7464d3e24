import { describe, expect, it } from "vitest";
import { bodyBytes, createKeepaliveBudget, KEEPALIVE_MAX_BYTES, KEEPALIVE_MAX_REQUESTS } from "./keepalive-budget.js";

describe("keepalive budget", () => {
  it("stays under 64 KiB in flight and fewer than 9 requests", () => {
    expect(KEEPALIVE_MAX_BYTES).toBeLessThan(64 * 1024);
    expect(KEEPALIVE_MAX_REQUESTS).toBeLessThan(9);
    const b = createKeepaliveBudget();
    expect(b.reserve(KEEPALIVE_MAX_BYTES - 100)).toBe(true);
    expect(b.remaining()).toBe(100);
    expect(b.reserve(101)).toBe(false);
    expect(b.reserve(100)).toBe(true);
    b.release(KEEPALIVE_MAX_BYTES - 100);
    expect(b.remaining()).toBe(KEEPALIVE_MAX_BYTES - 100);
  });

  it("refuses a request over the count cap even when bytes remain", () => {
    const b = createKeepaliveBudget(1000, 2);
    expect([b.reserve(1), b.reserve(1), b.reserve(1)]).toEqual([true, true, false]);
    expect(b.remaining()).toBe(0);
    b.release(1);
    expect(b.remaining()).toBe(999);
  });

  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(bodyBytes("aé€😀")).toBe(1 + 2 + 3 + 4);
  });
});
