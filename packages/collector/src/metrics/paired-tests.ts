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
export function pairedDifference(n: number, firstOnly: number, secondOnly: number): Difference {
  const b = firstOnly;
  const c = secondOnly;
  const difference = (c - b) / n;
  const se = Math.sqrt(Math.max(0, b + c - (c - b) ** 2 / n)) / n;
  return { difference, ciLow: difference - Z_95 * se, ciHigh: difference + Z_95 * se, pValue: mcnemarExact(b, c) };
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
export function mcnemarExact(b: number, c: number): number {
  const m = b + c;
  if (m === 0) return 1;
  const k = Math.min(b, c);
  if (2 * k === m) return 1;
  // Terms C(m, j) / 2^m in logs, j = 0..k, each from the last; summed from the largest (j = k) down.
  const logs: number[] = [m * Math.log(0.5)];
  for (let j = 0; j < k; j++) logs.push((logs[j] as number) + Math.log((m - j) / (j + 1)));
  const top = logs[k] as number;
  let sum = 0;
  for (let j = k; j >= 0; j--) sum += Math.exp((logs[j] as number) - top);
  return Math.min(1, 2 * Math.exp(top + Math.log(sum)));
}

/** P(|Z| ≥ z) for a standard normal Z: erfc(z / √2) = Q(½, z² / 2), the regularized upper incomplete gamma. */
export function normalTwoSided(z: number): number {
  return upperGammaHalf((z * z) / 2);
}

/** Q(½, x) (Numerical Recipes §6.2: the series below a + 1, the continued fraction above). */
function upperGammaHalf(x: number): number {
  const a = 0.5;
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - 0.5 * Math.log(Math.PI); // ln Γ(½) = ½ ln π
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}
