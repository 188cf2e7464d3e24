import type { MetricsContext } from "./run.js";

/** Decile edges from the reference window give ten bins of about equal reference mass. */
export const DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * Where quantile `q` of `n` sorted values lies under NumPy's default ("linear") method: the virtual index
 * h = (n − 1) · q, between the values at 0-based positions `lo` = ⌊h⌋ and `hi` = min(lo + 1, n − 1).
 */
export function linearPosition(quantile: number, count: number): { lo: number; hi: number; fraction: number } {
  const high = (count - 1) * quantile;
  const lo = Math.min(Math.floor(high), count - 1);
  return { lo, hi: Math.min(lo + 1, count - 1), fraction: high - lo };
}

/** NumPy's `_lerp`: a + (b − a)·t, computed from b's side for t ≥ 0.5, so the edges match `np.quantile` bit for bit. */
export function lerp(left: number, bytes: number, time: number): number {
  const diff = bytes - left;
  return time >= 0.5 ? bytes - diff * (1 - time) : left + diff * time;
}

/** Distinct, ascending edges from `valueAt(position)` for each decile of `n` values (linear interpolation). */
export function interpolatedEdges(count: number, valueAt: (position: number) => number): number[] {
  if (count === 0) return [];
  const edges = DECILES.map((quantile) => {
    const { lo, hi, fraction } = linearPosition(quantile, count);
    return lerp(valueAt(lo), valueAt(hi), fraction);
  });
  return [...new Set(edges)].sort((left, right) => left - right);
}

/**
 * The sorted positions (0-based) of `n` values that the decile edges interpolate between, and the exact
 * quantile level that picks each: the exact quantile at level (p + ½) / n is the value at sorted position p,
 * far from any rounding boundary.
 */
export function decilePositions(count: number): { positions: number[]; levels: number[] } {
  const needed = DECILES.flatMap((level) => {
    const { lo, hi } = linearPosition(level, count);
    return [lo, hi];
  });
  const positions = [...new Set(needed)].sort((left, right) => left - right);
  return { positions, levels: positions.map((position) => (position + 0.5) / count) };
}

/** Decile edges of `n` values from the values at `decilePositions(n).positions` (in that order). */
export function decileEdgesAt(count: number, values: readonly number[]): number[] {
  const at = new Map(decilePositions(count).positions.map((position, index) => [position, values[index] as number]));
  return interpolatedEdges(count, (probability) => at.get(probability) as number);
}

/**
 * Decile edges of `value` over the `n` non-null rows of `source`, by linear interpolation (NumPy's default).
 * The store returns the order statistics at the needed positions (`decilePositions`).
 */
export async function referenceDecileEdges(
  { dialect, query }: MetricsContext,
  source: string,
  value: string,
  count: number,
): Promise<number[]> {
  if (count === 0) return [];
  const { positions, levels } = decilePositions(count);
  const [row] = await dialect.quantiles(query, source, [], value, levels);
  return decileEdgesAt(
    count,
    positions.map((_, index) => Number(row?.[`q${index}`])),
  );
}
