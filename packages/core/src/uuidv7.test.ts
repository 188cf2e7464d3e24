import { describe, expect, it } from "vitest";
import { uuidv7, uuidv7Time } from "./uuidv7.js";

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 id that carries its millisecond and sorts by time", () => {
    const t = Date.UTC(2026, 10, 27, 9, 30);
    const ids = Array.from({ length: 2000 }, (_, i) => uuidv7(t + Math.floor(i / 100)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(2000);
    expect([...ids].sort()).toEqual(ids);
    expect(uuidv7Time(ids[0] as string)).toBe(t);
    expect(uuidv7Time("not-a-uuid")).toBeUndefined();
  });
});
