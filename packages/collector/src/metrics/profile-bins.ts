import { interpolatedEdges } from "./decile-edges.js";

/**
 * Merged DDSketch bins and top values of feature profiles, binned the way the raw-row drift
 * (drift.ts) bins raw values, so PSI and JS come out of the same `divergence.ts` functions.
 * Wire bins: γ = (1 + α) / (1 − α); index i holds γ^(i−1) < |v| ≤ γ^i, represented by 2γ^i / (1 + γ).
 */
export interface MergedNumeric {
  relativeAccuracy: number;
  positive: Map<number, number>;
  negative: Map<number, number>;
  zeroCount: number;
  nulls: number;
}
export interface MergedCategorical {
  values: Map<string, number>;
  /** Non-null values, top or not. */
  nonNull: number;
  nulls: number;
  /** False when some profile carried no top values (a sensitive column). */
  hasTopValues: boolean;
}
export interface SketchBins {
  positive: Record<string, number>;
  negative: Record<string, number>;
  zeroCount: number;
}

/** Same decile edges (linear interpolation, decile-edges.ts) and bin labels as drift.ts; nulls in "99". */
export const MAX_CATEGORIES = 20;
export const NULL_BIN = "99";

export const emptyNumeric = (relativeAccuracy: number): MergedNumeric => ({
  relativeAccuracy,
  positive: new Map(),
  negative: new Map(),
  zeroCount: 0,
  nulls: 0,
});

/** Merging sketches of one relative accuracy is adding counts per bin index. */
export function addSketch(into: MergedNumeric, s: SketchBins | null, nulls: number): void {
  into.nulls += nulls;
  if (!s) return;
  for (const [k, c] of Object.entries(s.positive))
    into.positive.set(Number(k), (into.positive.get(Number(k)) ?? 0) + c);
  for (const [k, c] of Object.entries(s.negative))
    into.negative.set(Number(k), (into.negative.get(Number(k)) ?? 0) + c);
  into.zeroCount += s.zeroCount;
}

/** Every bin's representative value with its count, in increasing value order. */
function ordered(m: MergedNumeric): [number, number][] {
  const g = (1 + m.relativeAccuracy) / (1 - m.relativeAccuracy);
  const rep = (k: number) => (2 * g ** k) / (1 + g);
  const neg = [...m.negative].sort((a, b) => b[0] - a[0]).map(([k, c]) => [-rep(k), c] as [number, number]);
  const pos = [...m.positive].sort((a, b) => a[0] - b[0]).map(([k, c]) => [rep(k), c] as [number, number]);
  return [...neg, ...(m.zeroCount > 0 ? [[0, m.zeroCount] as [number, number]] : []), ...pos];
}

/** Decile edges of the merged reference (deduplicated, sorted), interpolated between bin representatives. */
export function decileEdges(m: MergedNumeric): number[] {
  const values = ordered(m);
  const n = values.reduce((a, [, c]) => a + c, 0);
  const valueAt = (position: number): number => {
    let seen = 0;
    for (const [v, c] of values) {
      seen += c;
      if (seen > position) return v;
    }
    return (values[values.length - 1] as [number, number])[0];
  };
  return interpolatedEdges(n, valueAt);
}

/** Counts per drift bin: bin i holds values above i edges (as drift.ts's CASE does); nulls in "99". */
export function numericBinCounts(m: MergedNumeric, edges: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [v, c] of ordered(m)) {
    const b = String(edges.filter((e) => v > e).length);
    out.set(b, (out.get(b) ?? 0) + c);
  }
  if (m.nulls > 0) out.set(NULL_BIN, m.nulls);
  return out;
}

export function addTopValues(
  into: MergedCategorical,
  top: { value: string; count: number }[] | null,
  count: number,
  nulls: number,
): void {
  into.nulls += nulls;
  into.nonNull += count - nulls;
  if (!top) {
    into.hasTopValues = false;
    return;
  }
  for (const t of top) into.values.set(t.value, (into.values.get(t.value) ?? 0) + t.count);
}

/** The reference's most frequent values (count desc, then value), as drift.ts picks them. */
export function topCategories(m: MergedCategorical): string[] {
  return [...m.values]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_CATEGORIES)
    .map(([v]) => v);
}

/**
 * Counts per category of `cats`, "(other)" and "(missing)". A value outside a window's shipped
 * top list is counted in "(other)" there: exact when each window ships ≥ 20 top values and has
 * at most `maxTopValues` distinct values.
 */
export function categoricalBinCounts(m: MergedCategorical, cats: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  let known = 0;
  for (const c of cats) {
    const v = m.values.get(c) ?? 0;
    if (v > 0) out.set(c, v);
    known += v;
  }
  if (m.nonNull - known > 0) out.set("(other)", m.nonNull - known);
  if (m.nulls > 0) out.set("(missing)", m.nulls);
  return out;
}
