import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8Length } from "./utf8.js";

const encoded = (s: string) => new TextEncoder().encode(s).length;

describe("utf8Length", () => {
  it("counts ASCII, 2-, 3- and 4-byte characters as TextEncoder encodes them", () => {
    expect(utf8Length("")).toBe(0);
    expect(utf8Length('{"a":1}')).toBe(7);
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("€")).toBe(3);
    expect(utf8Length("😀")).toBe(4);
    expect(utf8Length('{"x":"naïve €5 😀"}')).toBe(encoded('{"x":"naïve €5 😀"}'));
  });

  it("agrees with TextEncoder on any well-formed string, ASCII prefix or not", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii" }), fc.string({ unit: "grapheme", maxLength: 40 }), (a, b) => {
        expect(utf8Length(a + b)).toBe(encoded(a + b));
        expect(utf8Length(b + a)).toBe(encoded(b + a));
      }),
      { numRuns: 2000 },
    );
  });
});
