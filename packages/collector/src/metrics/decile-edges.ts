import type { MetricsContext } from "./run.js";

/** Decile edges from the reference window give ten bins of about equal reference mass. */
export const DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * Where quantile `q` of `n` sorted values lies under NumPy's default ("linear") method: the virtual index
 * h = (n − 1) · q, between the values at 0-based positions `lo` = ⌊h⌋ and `hi` = min(lo + 1, n − 1).
 */
export function linearPosition(q: number, n: number): { lo: number; hi: number; fraction: number } {
  const h = (n - 1) * q;
  const lo = Math.min(Math.floor(h), n - 1);
  return { lo, hi: Math.min(lo + 1, n - 1), fraction: h - lo };
}

/** NumPy's `_lerp`: a + (b − a)·t, computed from b's side for t ≥ 0.5, so the edges match `np.quantile` bit for bit. */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Distinct, ascending edges from `valueAt(position)` for each decile of `n` values (linear interpolation). */
export function interpolatedEdges(n: number, valueAt: (position: number) => number): number[] {
  if (n === 0) return [];
  const edges = DECILES.map((q) => {
    const { lo, hi, fraction } = linearPosition(q, n);
    return lerp(valueAt(lo), valueAt(hi), fraction);
  });
  return [...new Set(edges)].sort((a, b) => a - b);
}

/**
 * The sorted positions (0-based) of `n` values that the decile edges interpolate between, and the exact
 * quantile level that picks each: the exact quantile at level (p + ½) / n is the value at sorted position p,
 * far from any rounding boundary.
 */
export function decilePositions(n: number): { positions: number[]; levels: number[] } {
  const needed = DECILES.flatMap((level) => {
    const { lo, hi } = linearPosition(level, n);
    return [lo, hi];
  });
  const positions = [...new Set(needed)].sort((a, b) => a - b);
  return { positions, levels: positions.map((p) => (p + 0.5) / n) };
}

/** Decile edges of `n` values from the values at `decilePositions(n).positions` (in that order). */
export function decileEdgesAt(n: number, values: readonly number[]): number[] {
  const at = new Map(decilePositions(n).positions.map((p, i) => [p, values[i] as number]));
  return interpolatedEdges(n, (p) => at.get(p) as number);
}

/**
 * Decile edges of `value` over the `n` non-null rows of `source`, by linear interpolation (NumPy's default).
 * The store returns the order statistics at the needed positions (`decilePositions`).
 */
export async function referenceDecileEdges(
  { d, q }: MetricsContext,
  source: string,
  value: string,
  n: number,
): Promise<number[]> {
  if (n === 0) return [];
  const { positions, levels } = decilePositions(n);
  const [row] = await d.quantiles(q, source, [], value, levels);
  return decileEdgesAt(
    n,
    positions.map((_, i) => Number(row?.[`q${i}`])),
  );
}
