/** Shares below this count as this in PSI, so an empty bin gives a large but finite term (a common convention). */
export const PSI_EPSILON = 1e-4;
export const PSI_MODERATE = 0.1;
export const PSI_MAJOR = 0.25;

const shares = (counts: Map<string, number>, keys: string[]): number[] => {
  const total = keys.reduce((a, k) => a + (counts.get(k) ?? 0), 0);
  return keys.map((k) => (total === 0 ? 0 : (counts.get(k) ?? 0) / total));
};

/** Population stability index of `actual` against `expected` bin counts: Σ (a − e) · ln(a / e). */
export function psi(expected: Map<string, number>, actual: Map<string, number>): number {
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const e = shares(expected, keys);
  const a = shares(actual, keys);
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    const ei = Math.max(e[i] as number, PSI_EPSILON);
    const ai = Math.max(a[i] as number, PSI_EPSILON);
    sum += (ai - ei) * Math.log(ai / ei);
  }
  return sum;
}

/** Jensen-Shannon distance in base 2 (the square root of the divergence; scipy's `jensenshannon(p, q, base=2)`). */
export function jsDistance(p: Map<string, number>, q: Map<string, number>): number {
  const keys = [...new Set([...p.keys(), ...q.keys()])].sort();
  const ps = shares(p, keys);
  const qs = shares(q, keys);
  let div = 0;
  for (let i = 0; i < keys.length; i++) {
    const pi = ps[i] as number;
    const qi = qs[i] as number;
    const m = (pi + qi) / 2;
    if (pi > 0) div += 0.5 * pi * Math.log2(pi / m);
    if (qi > 0) div += 0.5 * qi * Math.log2(qi / m);
  }
  return Math.sqrt(Math.max(div, 0));
}

export const psiFlag = (v: number): "none" | "moderate" | "major" =>
  v >= PSI_MAJOR ? "major" : v >= PSI_MODERATE ? "moderate" : "none";
