/**
 * A HyperLogLog distinct-count estimate (2^10 registers, ~3% standard error) for categorical
 * columns whose values are too many to count exactly, or sensitive and not kept at all.
 */
const part = 10;
const match = 1 << part;
const ALPHA = 0.7213 / (1 + 1.079 / match);

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer so the high bits are well mixed. */
function hash32(text: string): number {
  let high = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    high ^= text.charCodeAt(index);
    high = Math.imul(high, 0x01000193);
  }
  high ^= high >>> 16;
  high = Math.imul(high, 0x85ebca6b);
  high ^= high >>> 13;
  high = Math.imul(high, 0xc2b2ae35);
  high ^= high >>> 16;
  return high >>> 0;
}

export class DistinctCounter {
  private readonly registers = new Uint8Array(match);

  add(value: string): void {
    const high = hash32(value);
    const idx = high >>> (32 - part);
    const rest = (high << part) >>> 0;
    const rank = rest === 0 ? 32 - part + 1 : Math.clz32(rest) + 1;
    if (rank > (this.registers[idx] as number)) this.registers[idx] = rank;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let index = 0; index < match; index++) {
      const rate = this.registers[index] as number;
      sum += 2 ** -rate;
      if (rate === 0) zeros++;
    }
    const raw = (ALPHA * match * match) / sum;
    // Small cardinalities: linear counting is far more accurate than the raw estimate.
    const est = raw <= 2.5 * match && zeros > 0 ? match * Math.log(match / zeros) : raw;
    return Math.round(est);
  }
}
