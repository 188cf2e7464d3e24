import type { ResolvedReportOptions } from "./options.js";

/** Monday 1970-01-05 00:00 UTC: weekly windows are aligned to it so weeks start on Monday. */
export const MONDAY_MS = 4 * 86_400_000;

/** Start (ms) of the UTC calendar window holding `col`; the same integer arithmetic in both dialects. */
export function windowStart(col: string, widthMs: number): string {
  const offset = widthMs === 7 * 86_400_000 ? MONDAY_MS : 0;
  return `(${col} - ((${col} - ${offset}) % ${widthMs}))`;
}

/** A number as SQL text; refuses what is not finite so no caller can inject through it. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Expected a finite number in SQL, got ${value}`);
  return String(value);
}

/** DCG discount 1 / log2(rank + 1) as constants, so SQLite (no log2 guaranteed) and ClickHouse agree exactly. */
export const discount = (rank: number): number => 1 / Math.log2(rank + 1);

export function discountCase(rankExpr: string, index: number): string {
  const whens = Array.from({ length: index }, (_, index) => `WHEN ${index + 1} THEN ${num(discount(index + 1))}`).join(
    " ",
  );
  return `(CASE ${rankExpr} ${whens} ELSE 0 END)`;
}

/** Ideal DCG for m relevant items (m ≤ k): the discounts of ranks 1..m. */
export function idcgCase(mExpr: string, index: number): string {
  let sum = 0;
  const whens: string[] = [];
  for (let ms = 1; ms <= index; ms++) {
    sum += discount(ms);
    whens.push(`WHEN ${ms} THEN ${num(sum)}`);
  }
  return `(CASE ${mExpr} ${whens.join(" ")} ELSE ${num(sum)} END)`;
}

/** Prediction-time filter shared by the per-prediction relations. */
export function predictionFilter(options: ResolvedReportOptions, str: (text: string) => string, alias = ""): string {
  const text = alias ? `${alias}.` : "";
  const parts = [`${text}time_ms >= ${num(options.fromMs)}`, `${text}time_ms < ${num(options.toMs)}`];
  if (options.model !== undefined) parts.push(`${text}model_name = ${str(options.model)}`);
  return parts.join(" AND ");
}

/**
 * A quantile level as both stores' exact quantile takes it: they pick sorted position trunc(level · n) in
 * floating point, where 0.7 · 90 = 62.99999999999999 would give 62 instead of 63. Raising the level by a
 * relative 1e-12 (far above the product's rounding error, far below the spacing of levels with a few
 * decimals times n) makes the truncation land on ⌊q · n⌋ as written.
 */
export const quantileLevel = (quantile: number): number => quantile * (1 + 1e-12);
