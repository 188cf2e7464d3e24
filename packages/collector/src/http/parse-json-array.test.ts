import { seededRandom } from "@inferlog/test-support/seeded-random";
import { describe, expect, it } from "vitest";
import { startSlices } from "../slices.js";
import { parseBatch } from "./parse-batch.js";
import { ONE_PIECE_CHARS, parseJsonArrayInPieces } from "./parse-json-array.js";
import { BodyError } from "./read-body.js";

/** Strings that look like structure: brackets, commas, quotes and runs of backslashes before quotes. */
const TRICKY = ["[", "]", "{", "}", ",", '"', "\\", '\\"', "\\\\", '\\\\"', "a", "é", "😀", "\n", "\u2028", " "];
const SPACES = ["", " ", "\n", "\t", "\r\n  "];

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 4 : 6));
  if (pick === 0) return Math.round(next() * 1e6) / 100 - 5_000;
  if (pick === 1) return [null, true, false][Math.floor(next() * 3)];
  if (pick <= 3)
    return Array.from({ length: Math.floor(next() * 6) }, () => TRICKY[Math.floor(next() * TRICKY.length)]).join("");
  if (pick === 4) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) out[String(value(next, 9))] = value(next, depth + 1);
  return out;
}

/** JSON text of `v` with random whitespace between tokens. */
function text(v: unknown, next: () => number): string {
  const space = () => SPACES[Math.floor(next() * SPACES.length)] as string;
  if (Array.isArray(v)) return `[${space()}${v.map((x) => text(x, next)).join(`${space()},${space()}`)}${space()}]`;
  if (v !== null && typeof v === "object") {
    const members = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${space()}:${space()}${text(x, next)}`);
    return `{${space()}${members.join(`,${space()}`)}${space()}}`;
  }
  return JSON.stringify(v);
}

const pieces = (body: string, pieceChars: number, maxElements = 1_000) =>
  parseJsonArrayInPieces(body, { maxElements, slices: startSlices(), pieceChars });

describe("a JSON array parsed in pieces", () => {
  it("gives exactly what JSON.parse gives, whatever the piece size", async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = seededRandom(seed);
      const list = Array.from({ length: Math.floor(next() * 12) }, () => value(next, 0));
      const body = `${SPACES[seed % SPACES.length]}${text(list, next)}${SPACES[(seed + 1) % SPACES.length]}`;
      for (const pieceChars of [1, 16, 200, 1_000_000]) {
        expect({ seed, pieceChars, parsed: await pieces(body, pieceChars) }).toEqual({
          seed,
          pieceChars,
          parsed: JSON.parse(body),
        });
      }
    }
  });

  it("never gives a value JSON.parse would not: a broken body is left to JSON.parse", async () => {
    let declined = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const next = seededRandom(seed);
      const valid = text(
        Array.from({ length: 1 + Math.floor(next() * 6) }, () => value(next, 0)),
        next,
      );
      // One character deleted, doubled or replaced by a structural one.
      const at = Math.floor(next() * valid.length);
      const mutations = [
        valid.slice(0, at) + valid.slice(at + 1),
        valid.slice(0, at) + valid[at] + valid.slice(at),
        valid.slice(0, at) + ['"', ",", "]", "[", "{", "}", "\\", "x"][seed % 8] + valid.slice(at + 1),
        `${valid} x`,
        `${valid},`,
      ];
      for (const body of mutations) {
        let expected: unknown;
        try {
          expected = JSON.parse(body);
        } catch {
          expected = undefined;
        }
        const parsed = await pieces(body, 1 + (seed % 40));
        if (parsed === undefined) declined++;
        else expect({ seed, body, parsed }).toEqual({ seed, body, parsed: expected });
      }
    }
    expect(declined).toBeGreaterThan(1_000);
  });

  it("leaves what is not one array, or has more elements than allowed, to JSON.parse", async () => {
    for (const body of ['{"a":[1,2]}', "[1,2] [3]", "[1,2", '["a\\"]', "7", "", "[1,,2]", "[,1]", "[1,]"]) {
      expect(await pieces(body, 2)).toBeUndefined();
    }
    expect(await pieces("[1,2,3]", 2, 2)).toBeUndefined();
    expect(await pieces("[1,2,3]", 2, 3)).toEqual([1, 2, 3]);
    expect(await pieces("[ ]", 2)).toEqual([]);
  });
});

describe("a large batch body", () => {
  const event = (i: number) => ({ specversion: "1.0", id: `e-${i}`, type: "ml.nothing", pad: "x".repeat(200) });
  const big = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => event(i)));

  it("is parsed in pieces to the same rejections by index as one JSON.parse", async () => {
    const body = big(2_000);
    expect(body.length).toBeGreaterThan(ONE_PIECE_CHARS);
    const batch = await parseBatch(Buffer.from(body), { single: false, maxEvents: 10_000 });
    expect(batch.valid).toHaveLength(0);
    expect(batch.rejected.map((r) => r.index)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    expect(batch.rejected[1_999]?.reason).toMatch(/^Expected `type` to be one of .*got "ml.nothing"$/);
  });

  it("with a syntax error near its end is refused with the message one JSON.parse gives", async () => {
    const body = `${big(2_000).slice(0, -1)},}]`;
    let message = "";
    try {
      JSON.parse(body);
    } catch (e) {
      message = (e as Error).message;
    }
    const error = await parseBatch(Buffer.from(body), { single: false, maxEvents: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyError);
    expect((error as BodyError).status).toBe(400);
    expect((error as BodyError).message).toMatch(
      /^The body is not valid JSON at line 1, column \d+ \(byte offset \d+\): /,
    );
    expect((error as BodyError).message.endsWith(`: ${message}`)).toBe(true);
  });

  it("over the event limit is refused with 413 before any event is checked", async () => {
    const error = await parseBatch(Buffer.from(big(2_000)), { single: false, maxEvents: 1_999 }).catch(
      (e: unknown) => e,
    );
    expect((error as BodyError).status).toBe(413);
    expect((error as BodyError).message).toBe(
      "The batch has 2000 events, over the limit of 1999; send smaller batches",
    );
  });
});
