import { fillRandom } from "./runtime.js";

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
// One getRandomValues call per 409 ids keeps id creation off the per-call crypto path.
const POOL_IDS = 409;
const pool = new Uint8Array(POOL_IDS * 10);
let offset = pool.length;
let lastMs = -1;
let seq = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix ms, then a 12-bit counter that keeps ids made in the
 * same millisecond in order (method 1), then 62 random bits.
 */
export function uuidv7(nowMs: number): string {
  if (offset >= pool.length) {
    fillRandom(pool);
    offset = 0;
  }
  const o = offset;
  offset += 10;
  if (nowMs > lastMs) {
    lastMs = nowMs;
    seq = ((pool[o] as number) << 4) & 0x7ff; // random start below half leaves room to count up
  } else {
    seq = (seq + 1) & 0xfff;
  }
  const ms = lastMs;
  const hi = Math.floor(ms / 0x10000);
  const lo = ms & 0xffff;
  const p = pool;
  return (
    HEX[(hi >>> 24) & 0xff]! +
    HEX[(hi >>> 16) & 0xff]! +
    HEX[(hi >>> 8) & 0xff]! +
    HEX[hi & 0xff]! +
    "-" +
    HEX[lo >>> 8]! +
    HEX[lo & 0xff]! +
    "-" +
    HEX[0x70 | (seq >>> 8)]! +
    HEX[seq & 0xff]! +
    "-" +
    HEX[0x80 | (p[o + 1]! & 0x3f)]! +
    HEX[p[o + 2]!]! +
    "-" +
    HEX[p[o + 3]!]! +
    HEX[p[o + 4]!]! +
    HEX[p[o + 5]!]! +
    HEX[p[o + 6]!]! +
    HEX[p[o + 7]!]! +
    HEX[p[o + 8]!]!
  );
}

const V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The millisecond timestamp inside a UUIDv7, or undefined for any other id. */
export function uuidv7Time(id: string): number | undefined {
  const m = V7.exec(id);
  if (!m) return undefined;
  return Number.parseInt((m[1] as string) + (m[2] as string), 16);
}
