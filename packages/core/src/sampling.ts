/**
 * Maps a key to [0, 1) with FNV-1a (32-bit). Every event type hashes the same key
 * (the prediction id), so a prediction and its exposures, feedback and outcomes are
 * kept or dropped together and sampled joins stay whole.
 */
export function sampleHash(key: string): number {
  let high = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    high ^= key.charCodeAt(index);
    high = Math.imul(high, 0x01000193);
  }
  return (high >>> 0) / 0x100000000;
}

/** Whether the events of `key` are kept at sample rate `rate` (0 < rate <= 1): its hash is below the rate. */
export const isSampledIn = (key: string, rate: number): boolean => rate >= 1 || sampleHash(key) < rate;
