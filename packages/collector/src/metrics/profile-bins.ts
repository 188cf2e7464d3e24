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
export function addSketch(into: MergedNumeric, sketchBins: SketchBins | null, nulls: number): void {
  into.nulls += nulls;
  if (!sketchBins) return;
  for (const [key, count] of Object.entries(sketchBins.positive))
    into.positive.set(Number(key), (into.positive.get(Number(key)) ?? 0) + count);
  for (const [key, count] of Object.entries(sketchBins.negative))
    into.negative.set(Number(key), (into.negative.get(Number(key)) ?? 0) + count);
  into.zeroCount += sketchBins.zeroCount;
}

/** Every bin's representative value with its count, in increasing value order. */
function ordered(mergedNumeric: MergedNumeric): [number, number][] {
  const gap = (1 + mergedNumeric.relativeAccuracy) / (1 - mergedNumeric.relativeAccuracy);
  const rep = (index: number) => (2 * gap ** index) / (1 + gap);
  const neg = [...mergedNumeric.negative]
    .sort((left, right) => right[0] - left[0])
    .map(([index, count]) => [-rep(index), count] as [number, number]);
  const pos = [...mergedNumeric.positive]
    .sort((left, right) => left[0] - right[0])
    .map(([index, count]) => [rep(index), count] as [number, number]);
  return [...neg, ...(mergedNumeric.zeroCount > 0 ? [[0, mergedNumeric.zeroCount] as [number, number]] : []), ...pos];
}

/** Decile edges of the merged reference (deduplicated, sorted), interpolated between bin representatives. */
export function decileEdges(mergedNumeric: MergedNumeric): number[] {
  const values = ordered(mergedNumeric);
  const count = values.reduce((total, [, count]) => total + count, 0);
  const valueAt = (position: number): number => {
    let seen = 0;
    for (const [value, count] of values) {
      seen += count;
      if (seen > position) return value;
    }
    return (values[values.length - 1] as [number, number])[0];
  };
  return interpolatedEdges(count, valueAt);
}

/** Counts per drift bin: bin i holds values above i edges (as drift.ts's CASE does); nulls in "99". */
export function numericBinCounts(mergedNumeric: MergedNumeric, edges: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [value, count] of ordered(mergedNumeric)) {
    const text = String(edges.filter((edge) => value > edge).length);
    out.set(text, (out.get(text) ?? 0) + count);
  }
  if (mergedNumeric.nulls > 0) out.set(NULL_BIN, mergedNumeric.nulls);
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
  for (const entry of top) into.values.set(entry.value, (into.values.get(entry.value) ?? 0) + entry.count);
}

/** The reference's most frequent values (count desc, then value), as drift.ts picks them. */
export function topCategories(mergedCategorical: MergedCategorical): string[] {
  return [...mergedCategorical.values]
    .sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0))
    .slice(0, MAX_CATEGORIES)
    .map(([value]) => value);
}

/**
 * Counts per category of `cats`, "(other)" and "(missing)". A value outside a window's shipped
 * top list is counted in "(other)" there: exact when each window ships ≥ 20 top values and has
 * at most `maxTopValues` distinct values.
 */
export function categoricalBinCounts(
  mergedCategorical: MergedCategorical,
  cats: readonly string[],
): Map<string, number> {
  const out = new Map<string, number>();
  let known = 0;
  for (const char of cats) {
    const value = mergedCategorical.values.get(char) ?? 0;
    if (value > 0) out.set(char, value);
    known += value;
  }
  if (mergedCategorical.nonNull - known > 0) out.set("(other)", mergedCategorical.nonNull - known);
  if (mergedCategorical.nulls > 0) out.set("(missing)", mergedCategorical.nulls);
  return out;
}
