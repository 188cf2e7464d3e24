/** One key's sum, with the key it was first added under. */
export interface KeyedSum<K extends readonly unknown[]> {
  readonly key: K;
  n: number;
}

export interface KeyedSums<K extends readonly unknown[]> {
  /** Adds `n` (negative to take back) to the sum of `key`. */
  add(key: K, n: number): void;
  /** The sums added since the last take (or clear), in the order their keys first came, and forgets them. */
  take(): KeyedSum<K>[];
  /** Forgets every sum (the batch they counted was rolled back). */
  clear(): void;
}

/**
 * Sums of counts per composite key, for the SQLite writer's counts kept at ingest: a batch adds to a few keys many
 * times, and `flush` writes one upsert per key. The key's parts index nested Maps, one level per part: no key string
 * is built per row (a `JSON.stringify` key per feature row was a tenth of the writer's own JavaScript time), and the
 * parts are told apart as Map keys are (no separator a name could hold; NULL apart from '', 1 apart from '1').
 */
export function keyedSums<K extends readonly unknown[]>(): KeyedSums<K> {
  let root = new Map<unknown, unknown>();
  let sums: KeyedSum<K>[] = [];
  return {
    add(key, n) {
      let level = root;
      const last = key.length - 1;
      for (let i = 0; i < last; i++) {
        let next = level.get(key[i]) as Map<unknown, unknown> | undefined;
        if (next === undefined) {
          next = new Map();
          level.set(key[i], next);
        }
        level = next;
      }
      const sum = level.get(key[last]) as KeyedSum<K> | undefined;
      if (sum) sum.n += n;
      else {
        const fresh = { key, n };
        level.set(key[last], fresh);
        sums.push(fresh);
      }
    },
    take() {
      const taken = sums;
      root = new Map();
      sums = [];
      return taken;
    },
    clear() {
      root = new Map();
      sums = [];
    },
  };
}
