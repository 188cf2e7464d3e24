/** Shares below this count as this in PSI, so an empty bin gives a large but finite term (a common convention). */
export const PSI_EPSILON = 1e-4;
export const PSI_MODERATE = 0.1;
export const PSI_MAJOR = 0.25;

const shares = (counts: Map<string, number>, keys: string[]): number[] => {
  const total = keys.reduce((total, key) => total + (counts.get(key) ?? 0), 0);
  return keys.map((key) => (total === 0 ? 0 : (counts.get(key) ?? 0) / total));
};

/** Population stability index of `actual` against `expected` bin counts: Σ (a − e) · ln(a / e). */
export function psi(expected: Map<string, number>, actual: Map<string, number>): number {
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const ends = shares(expected, keys);
  const lefts = shares(actual, keys);
  let sum = 0;
  for (let index = 0; index < keys.length; index++) {
    const ei = Math.max(ends[index] as number, PSI_EPSILON);
    const ai = Math.max(lefts[index] as number, PSI_EPSILON);
    sum += (ai - ei) * Math.log(ai / ei);
  }
  return sum;
}

/** Jensen-Shannon distance in base 2 (the square root of the divergence; scipy's `jensenshannon(p, q, base=2)`). */
export function jsDistance(part: Map<string, number>, query: Map<string, number>): number {
  const keys = [...new Set([...part.keys(), ...query.keys()])].sort();
  const ps = shares(part, keys);
  const qs = shares(query, keys);
  let div = 0;
  for (let index = 0; index < keys.length; index++) {
    const pi = ps[index] as number;
    const qi = qs[index] as number;
    const ms = (pi + qi) / 2;
    if (pi > 0) div += 0.5 * pi * Math.log2(pi / ms);
    if (qi > 0) div += 0.5 * qi * Math.log2(qi / ms);
  }
  return Math.sqrt(Math.max(div, 0));
}

export const psiFlag = (value: number): "none" | "moderate" | "major" =>
  value >= PSI_MAJOR ? "major" : value >= PSI_MODERATE ? "moderate" : "none";
