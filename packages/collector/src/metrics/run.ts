import type { Dialect } from "./dialect.js";
import type { ResolvedReportOptions } from "./options.js";

export type Rows = Record<string, unknown>[];
/** What every metric query gets: the dialect, the options, and a way to run SQL in the store. */
export interface MetricsContext {
  dialect: Dialect;
  options: ResolvedReportOptions;
  query: (sql: string) => Promise<Rows>;
  /** SQL of the per-prediction relation (`Dialect.scored`), or of its copy in a temporary table. */
  scored: string;
  /** SQL of the exposed-predictions relation (`Dialect.exposed`), or of its copy. */
  exposed: string;
  /** SQL of the business metrics of the latest outcomes (`Dialect.businessRows` of `scored`), or of its copy. */
  business: string;
  /** SQL of each item's first appearance per model (freshness.ts `firstSeen`), or of its copy. */
  firstSeen: string;
  /** SQL of the shown candidates of the report's predictions (`Dialect.shownCandidates`), or of its copy. */
  shown: string;
}

export const asNumber = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
export const asText = (value: unknown): string => (value === null || value === undefined ? "" : String(value));
export const rate = (num: number, den: number): number | null => (den === 0 ? null : num / den);
export const iso = (ms: number): string => new Date(ms).toISOString();
