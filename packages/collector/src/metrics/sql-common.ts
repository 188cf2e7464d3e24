import type { ResolvedReportOptions } from "./options.js";

/** Monday 1970-01-05 00:00 UTC: weekly windows are aligned to it so weeks start on Monday. */
export const MONDAY_MS = 4 * 86_400_000;

/** Start (ms) of the UTC calendar window holding `col`; the same integer arithmetic in both dialects. */
export function windowStart(col: string, widthMs: number): string {
  const offset = widthMs === 7 * 86_400_000 ? MONDAY_MS : 0;
  return `(${col} - ((${col} - ${offset}) % ${widthMs}))`;
}

/** A number as SQL text; refuses what is not finite so no caller can inject through it. */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`Expected a finite number in SQL, got ${v}`);
  return String(v);
}

/** DCG discount 1 / log2(rank + 1) as constants, so SQLite (no log2 guaranteed) and ClickHouse agree exactly. */
export const discount = (rank: number): number => 1 / Math.log2(rank + 1);

export function discountCase(rankExpr: string, k: number): string {
  const whens = Array.from({ length: k }, (_, i) => `WHEN ${i + 1} THEN ${num(discount(i + 1))}`).join(" ");
  return `(CASE ${rankExpr} ${whens} ELSE 0 END)`;
}

/** Ideal DCG for m relevant items (m ≤ k): the discounts of ranks 1..m. */
export function idcgCase(mExpr: string, k: number): string {
  let sum = 0;
  const whens: string[] = [];
  for (let m = 1; m <= k; m++) {
    sum += discount(m);
    whens.push(`WHEN ${m} THEN ${num(sum)}`);
  }
  return `(CASE ${mExpr} ${whens.join(" ")} ELSE ${num(sum)} END)`;
}

/** Prediction-time filter shared by the per-prediction relations. */
export function predictionFilter(o: ResolvedReportOptions, str: (s: string) => string, alias = ""): string {
  const a = alias ? `${alias}.` : "";
  const parts = [`${a}time_ms >= ${num(o.fromMs)}`, `${a}time_ms < ${num(o.toMs)}`];
  if (o.model !== undefined) parts.push(`${a}model_name = ${str(o.model)}`);
  return parts.join(" AND ");
}

/**
 * A quantile level as both stores' exact quantile takes it: they pick sorted position trunc(level · n) in
 * floating point, where 0.7 · 90 = 62.99999999999999 would give 62 instead of 63. Raising the level by a
 * relative 1e-12 (far above the product's rounding error, far below the spacing of levels with a few
 * decimals times n) makes the truncation land on ⌊q · n⌋ as written.
 */
export const quantileLevel = (q: number): number => q * (1 + 1e-12);
