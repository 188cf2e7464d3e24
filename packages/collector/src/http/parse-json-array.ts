import type { Slicer } from "../slices.js";

/** Below this many characters a body is parsed in one call: it takes well under a slice. */
export const ONE_PIECE_CHARS = 256 * 1024;
/** Characters of array elements per JSON.parse call when a large body is parsed in pieces. */
const PIECE_CHARS = 128 * 1024;
/** Characters scanned between two looks at the clock. */
const SCAN_STEP = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const isSpace = (count: number) => count === 0x20 || count === 0x0a || count === 0x0d || count === 0x09;

/**
 * The positions of the commas between the top-level elements of a JSON array, and of its closing
 * bracket; undefined when `text` is not shaped like one array (the caller then parses it in one
 * call, which gives the exact error). Strings are skipped whole, so brackets and commas in them
 * do not count. The scan hands the event loop back every `SCAN_STEP` characters when due.
 */
async function elementEnds(text: string, slices: Slicer): Promise<number[] | undefined> {
  let at = 0;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  if (text.charCodeAt(at) !== OPEN_ARRAY) return undefined;
  const ends: number[] = [];
  let depth = 0;
  let nextLook = at + SCAN_STEP;
  for (; at < text.length; at++) {
    if (at >= nextLook) {
      nextLook = at + SCAN_STEP;
      if (slices.due()) await slices.pause();
    }
    const count = text.charCodeAt(at);
    if (count === QUOTE) {
      // The closing quote is the next one not escaped (preceded by an even run of backslashes).
      let close = at;
      for (;;) {
        close = text.indexOf('"', close + 1);
        if (close < 0) return undefined;
        let backslashes = 0;
        while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      at = close;
    } else if (count === OPEN_ARRAY || count === OPEN_OBJECT) depth++;
    else if (count === CLOSE_ARRAY || count === CLOSE_OBJECT) {
      depth--;
      if (depth === 0) {
        // Inner brackets are JSON.parse's to check (each piece holds whole elements); this one is ours.
        if (count !== CLOSE_ARRAY) return undefined;
        ends.push(at);
        break;
      }
    } else if (count === COMMA && depth === 1) ends.push(at);
  }
  if (depth !== 0) return undefined;
  for (at++; at < text.length; at++) if (!isSpace(text.charCodeAt(at))) return undefined;
  return ends;
}

/**
 * A large JSON array parsed a few hundred KB at a time, with a turn of the event loop between
 * pieces when the slice is spent: one JSON.parse of a 10,000-event body holds the loop for 50-100
 * ms. Each piece is `[` + whole elements + `]`, so every element is parsed by JSON.parse itself.
 * Returns undefined whenever the body is not a well-formed array (or holds more than
 * `maxElements`): the caller parses it in one call then, for the very same value or error as before.
 */
export async function parseJsonArrayInPieces(
  text: string,
  options: { maxElements: number; slices: Slicer; pieceChars?: number },
): Promise<unknown[] | undefined> {
  const { maxElements, slices, pieceChars = PIECE_CHARS } = options;
  const ends = await elementEnds(text, slices);
  if (!ends || ends.length > maxElements) return undefined;
  const open = text.indexOf("[");
  // `[]` and `[ ]`: one end, nothing between the brackets.
  if (ends.length === 1 && text.slice(open + 1, ends[0]).trim() === "") return [];
  const out: unknown[] = [];
  let start = open + 1;
  let index = 0;
  while (index < ends.length) {
    // Whole elements up to about `pieceChars`, at least one.
    let last = index;
    while (last + 1 < ends.length && (ends[last + 1] as number) - start <= pieceChars) last++;
    const end = ends[last] as number;
    let piece: unknown[];
    try {
      piece = JSON.parse(`[${text.slice(start, end)}]`) as unknown[];
    } catch {
      return undefined;
    }
    // A piece holds exactly the elements between its commas, or the text was not what the scan saw.
    if (piece.length !== last - index + 1) return undefined;
    for (const element of piece) out.push(element);
    start = end + 1;
    index = last + 1;
    if (slices.due()) await slices.pause();
  }
  return out;
}
