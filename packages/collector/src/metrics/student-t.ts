/**
 * Student's t distribution: the two-sided quantile Welch's interval needs, from the regularized incomplete
 * beta function (continued fraction, as in Numerical Recipes §6.4). Checked against SciPy's `t.ppf`.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
function logGamma(value: number): number {
  const counts = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (value < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * value)) - logGamma(1 - value);
  const score = value - 1;
  let sum = counts[0] as number;
  for (let index = 1; index < 9; index++) sum += (counts[index] as number) / (score + index);
  const time = score + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (score + 0.5) * Math.log(time) - time + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(left: number, bytes: number, value: number): number {
  const tiny = 1e-300;
  let count = 1;
  let delta = 1 - ((left + bytes) * value) / (left + 1);
  if (Math.abs(delta) < tiny) delta = tiny;
  delta = 1 / delta;
  let high = delta;
  for (let ms = 1; ms <= 300; ms++) {
    const m2 = 2 * ms;
    let aa = (ms * (bytes - ms) * value) / ((left + m2 - 1) * (left + m2));
    delta = 1 + aa * delta;
    if (Math.abs(delta) < tiny) delta = tiny;
    count = 1 + aa / count;
    if (Math.abs(count) < tiny) count = tiny;
    delta = 1 / delta;
    high *= delta * count;
    aa = (-(left + ms) * (left + bytes + ms) * value) / ((left + m2) * (left + m2 + 1));
    delta = 1 + aa * delta;
    if (Math.abs(delta) < tiny) delta = tiny;
    count = 1 + aa / count;
    if (Math.abs(count) < tiny) count = tiny;
    delta = 1 / delta;
    const step = delta * count;
    high *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return high;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(value: number, left: number, bytes: number): number {
  if (value <= 0) return 0;
  if (value >= 1) return 1;
  const front = Math.exp(
    logGamma(left + bytes) - logGamma(left) - logGamma(bytes) + left * Math.log(value) + bytes * Math.log(1 - value),
  );
  return value < (left + 1) / (left + bytes + 2)
    ? (front * betaFraction(left, bytes, value)) / left
    : 1 - (front * betaFraction(bytes, left, 1 - value)) / bytes;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df may be fractional, as Welch's is). */
export function studentTCdf(time: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + time * time), df / 2, 0.5);
  return time >= 0 ? 1 - tail : tail;
}

/** The quantile of Student's t at probability p in (0.5, 1), by bisection on the CDF to 1e-13. */
export function studentTQuantile(probability: number, df: number): number {
  if (!(probability > 0.5 && probability < 1) || !(df > 0))
    throw new RangeError(`Expected 0.5 < p < 1 and df > 0, got p ${probability}, df ${df}`);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < probability) hi *= 2;
  for (let index = 0; index < 200 && hi - lo > 1e-13 * Math.max(1, hi); index++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < probability) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
