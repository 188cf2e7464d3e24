import { describe, expect, it } from "vitest";
import { jsonErrorOffset } from "./json-error-offset.js";

describe("jsonErrorOffset", () => {
  it("returns -1 for every text JSON.parse accepts", () => {
    for (const ok of ["[]", "{}", ' [1, -2.5e3, "a\\u00e9\\n", true, false, null, {"a": [{}]}] ', '"x"', "0"]) {
      expect(JSON.parse(ok)).toBeDefined();
      expect(jsonErrorOffset(ok)).toBe(-1);
    }
  });

  it("points at the first character JSON.parse refuses", () => {
    expect(jsonErrorOffset('[{"id": "a",\n  "type": }]')).toBe(23);
    expect(jsonErrorOffset("[1, 2")).toBe(5);
    expect(jsonErrorOffset("[1 2]")).toBe(3);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset("[01]")).toBe(2);
    expect(jsonErrorOffset('["\\x"]')).toBe(2);
    expect(jsonErrorOffset("[1] x")).toBe(4);
    expect(jsonErrorOffset("[".repeat(100_000))).toBe(100_000);
  });
});
