import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wellFormedJson, wellFormedText } from "./well-formed-json.js";

/** What a UTF-8 encoder would make of the text: lone surrogates as U+FFFD (Node 20+ has it natively). */
const toWellFormed = (s: string): string => (s as unknown as { toWellFormed(): string }).toWellFormed();

describe("wellFormedJson", () => {
  it("writes a string cut inside a surrogate pair with U+FFFD, keeping the rest", () => {
    const cut = "great 👍".slice(0, 7);
    expect(JSON.parse(wellFormedJson(JSON.stringify({ review: cut })))).toEqual({ review: "great \ufffd" });
  });

  it("repairs keys as well as values, and leaves pairs, escaped backslashes and the text `\\ud800` alone", () => {
    const value = { "k\udc00": ["\ud800x", "😀", "\\ud800", "\\\ud800", "\\\\ud800"] };
    const json = wellFormedJson(JSON.stringify(value));
    expect(JSON.parse(json)).toEqual({ "k\ufffd": ["\ufffdx", "😀", "\\ud800", "\\\ufffd", "\\\\ud800"] });
  });

  it("returns the very string when there is nothing to repair", () => {
    const json = JSON.stringify({ a: "plain", b: "é😀\n" });
    expect(wellFormedJson(json)).toBe(json);
  });

  it("agrees with String.prototype.toWellFormed on any text, byte length unchanged", () => {
    const unit = fc.oneof(
      fc.constantFrom("\\", '"', "u", "d", "8", "\ud83d", "\ude00", "\udbff", "\udc00", "\u0000", "a"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), (text) => {
        const json = wellFormedJson(JSON.stringify(text));
        expect(JSON.parse(json)).toBe(toWellFormed(text));
        expect(Buffer.byteLength(json)).toBe(Buffer.byteLength(JSON.stringify(text)));
      }),
      { numRuns: 3_000, seed: 20261206 },
    );
  });
});

describe("wellFormedText", () => {
  it("agrees with String.prototype.toWellFormed on any text", () => {
    const unit = fc.oneof(
      fc.constantFrom("\ud83d", "\ude00", "\udbff", "\udc00", "a", "😀"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), (text) => {
        expect(wellFormedText(text)).toBe(toWellFormed(text));
      }),
      { numRuns: 3_000, seed: 20261206 },
    );
  });
});
