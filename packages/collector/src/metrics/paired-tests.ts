/**
 * Two accuracies compared: on the same requests (paired: McNemar's exact test and the Wald interval of a paired
 * difference of proportions) or on different ones (unpaired: the Wald interval and z test of two proportions).
 * Checked against SciPy (`binomtest`, `norm`) in challenger.crosscheck.test.ts.
 */

/** The standard normal's 97.5 % quantile: two-sided 95 % intervals. */
export const Z_95 = 1.959963984540054;

/** A difference of accuracies (second − first), its 95 % interval and two-sided p-value. */
export interface Difference {
  difference: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
}

/**
 * The same `n` requests scored by two versions: `firstOnly` right by the first alone, `secondOnly` by the second
 * alone. Difference = (secondOnly − firstOnly) / n; variance ((b + c) − (c − b)² / n) / n² (Wald, paired);
 * p-value: McNemar's exact test, the two-sided binomial test of `secondOnly` out of the b + c discordant at ½.
 */
export function pairedDifference(count: number, firstOnly: number, secondOnly: number): Difference {
  const bytes = firstOnly;
  const column = secondOnly;
  const difference = (column - bytes) / count;
  const se = Math.sqrt(Math.max(0, bytes + column - (column - bytes) ** 2 / count)) / count;
  return {
    difference,
    ciLow: difference - Z_95 * se,
    ciHigh: difference + Z_95 * se,
    pValue: mcnemarExact(bytes, column),
  };
}

/**
 * Two accuracies on different requests: `correct1` of `n1`, `correct2` of `n2`. Difference p2 − p1, Wald
 * interval with variance p1(1 − p1)/n1 + p2(1 − p2)/n2, and the two-sided z test with that same (unpooled) error.
 */
export function unpairedDifference(n1: number, correct1: number, n2: number, correct2: number): Difference {
  const p1 = correct1 / n1;
  const p2 = correct2 / n2;
  const difference = p2 - p1;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const pValue = se === 0 ? (difference === 0 ? 1 : 0) : normalTwoSided(Math.abs(difference) / se);
  return { difference, ciLow: difference - Z_95 * se, ciHigh: difference + Z_95 * se, pValue };
}

/** McNemar's exact two-sided p-value: 2 · P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), at most 1. */
export function mcnemarExact(bytes: number, count: number): number {
  const ms = bytes + count;
  if (ms === 0) return 1;
  const index = Math.min(bytes, count);
  if (2 * index === ms) return 1;
  // Terms C(m, j) / 2^m in logs, j = 0..k, each from the last; summed from the largest (j = k) down.
  const logs: number[] = [ms * Math.log(0.5)];
  for (let inner = 0; inner < index; inner++) logs.push((logs[inner] as number) + Math.log((ms - inner) / (inner + 1)));
  const top = logs[index] as number;
  let sum = 0;
  for (let inner = index; inner >= 0; inner--) sum += Math.exp((logs[inner] as number) - top);
  return Math.min(1, 2 * Math.exp(top + Math.log(sum)));
}

/** P(|Z| ≥ z) for a standard normal Z: erfc(z / √2) = Q(½, z² / 2), the regularized upper incomplete gamma. */
export function normalTwoSided(score: number): number {
  return upperGammaHalf((score * score) / 2);
}

/** Q(½, x) (Numerical Recipes §6.2: the series below a + 1, the continued fraction above). */
function upperGammaHalf(value: number): number {
  const left = 0.5;
  if (value <= 0) return 1;
  const logPrefix = -value + left * Math.log(value) - 0.5 * Math.log(Math.PI); // ln Γ(½) = ½ ln π
  if (value < left + 1) {
    let term = 1 / left;
    let sum = term;
    for (let count = 1; count < 500; count++) {
      term *= value / (left + count);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let bytes = value + 1 - left;
  let column = 1 / tiny;
  let data = 1 / bytes;
  let high = data;
  for (let index = 1; index < 500; index++) {
    const an = -index * (index - left);
    bytes += 2;
    data = an * data + bytes;
    if (Math.abs(data) < tiny) data = tiny;
    column = bytes + an / column;
    if (Math.abs(column) < tiny) column = tiny;
    data = 1 / data;
    const delta = data * column;
    high *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * high;
}
