/** The helpers of the rule evaluators: which series a rule judges, and how a value becomes a verdict. */
import { WINDOWS } from "../metrics/options.js";
import type { QualityRow, Report } from "../metrics/types.js";
import type { Observation } from "./observation.js";
import { DEFAULT_MIN_COUNT, type Rule, type RuleOf } from "./rules.js";

/** What the rules are judged on: a report per window they use, and when each source last sent. */
export interface MonitorInputs {
  nowMs: number;
  report(window: NonNullable<Rule["window"]>): Report;
  /** Sources seen since `sinceMs`, with the last time (received) an event came from each. */
  lastSeen(sinceMs: number): { source: string; lastMs: number }[];
}

export const pts = (value: number) => `${value.toFixed(1)} pts`;
export const pc = (value: number) => `${(value * 100).toFixed(1)}%`;
export const windowOf = (rule: Rule) => rule.window ?? "week";
export const minCount = (rule: Rule) => rule.minCount ?? DEFAULT_MIN_COUNT;
export const wants = (rule: Rule, model: string, version?: string) =>
  (rule.model === undefined || rule.model === model) &&
  (rule.version === undefined || version === undefined || rule.version === version);

/** Windows older than this many window widths before now are not judged: the scope has gone quiet. */
export const STALE_WINDOWS = 3;
export const fresh = (rule: Rule, inputs: MonitorInputs, windowStart: string) =>
  Date.parse(windowStart) >= inputs.nowMs - STALE_WINDOWS * WINDOWS[windowOf(rule)];

/**
 * The series a rule judges: fresh ones of versions that served predictions in their model's latest
 * window (a version another one replaced is retired, not failing; a canary beside it still serves).
 */
export function serving<T extends { model: string; version: string; windowStart: string }>(
  series: T[][],
  rule: Rule,
  inputs: MonitorInputs,
): T[][] {
  const latest = new Map<string, { w: string; versions: Set<string> }>();
  for (const row of inputs.report(windowOf(rule)).quality) {
    const at = latest.get(row.model);
    if (!at || at.w < row.windowStart) latest.set(row.model, { w: row.windowStart, versions: new Set([row.version]) });
    else if (at.w === row.windowStart) at.versions.add(row.version);
  }
  return series.filter((rows) => {
    const last = rows[rows.length - 1]!;
    return latest.get(last.model)?.versions.has(last.version) === true && fresh(rule, inputs, last.windowStart);
  });
}

/** Rows grouped by a key, in their order. */
export function groups<T>(rows: readonly T[], key: (result: T) => string): T[][] {
  const out = new Map<string, T[]>();
  for (const result of rows) out.set(key(result), [...(out.get(key(result)) ?? []), result]);
  return [...out.values()];
}

/** Falling metrics: bad below `floor`, good at or above `clearAt` (default the floor). */
export function below(value: number, floor: number, clearAt: number | undefined): Observation["verdict"] {
  if (value < floor) return "bad";
  return value >= (clearAt ?? floor) ? "good" : "between";
}
/** Rising metrics: bad at or above `limit`, good below it (or at or below `clearAt` when given). */
export function atLeast(value: number, limit: number, clearAt: number | undefined): Observation["verdict"] {
  if (value >= limit) return "bad";
  if (clearAt === undefined) return "good";
  return value <= clearAt ? "good" : "between";
}
export function above(value: number, limit: number, clearAt: number | undefined): Observation["verdict"] {
  if (value > limit) return "bad";
  return value <= (clearAt ?? limit) ? "good" : "between";
}

export function qualityValue(row: QualityRow, metric: string): number | null {
  if (metric === "accuracy") return row.accuracy;
  if (metric === "mrr") return row.mrr;
  if (metric === "ndcg") return row.ndcg;
  return row.hitAt[Number(metric.slice(4)) - 1] ?? null;
}
/** The k a report needs for a rule's `hit@k`. */
export const kOf = (rule: Rule): number =>
  "metric" in rule && /^hit@\d+$/.test(rule.metric) ? Number(rule.metric.slice(4)) : 0;

/** Per model and version, the windows with enough labels and a value of the rule's metric. */
export function qualitySeries(rule: RuleOf<"quality_below" | "quality_drop">, inputs: MonitorInputs) {
  const rows = inputs
    .report(windowOf(rule))
    .quality.filter((row) => wants(rule, row.model, row.version) && row.labeled >= minCount(rule))
    .flatMap((row) => {
      const value = qualityValue(row, rule.metric);
      return value === null ? [] : [{ q: row, value }];
    });
  const series = groups(rows, (row) => `${row.q.model}\u0000${row.q.version}`);
  const byWindow = series.map((rs) =>
    rs.map((row) => ({ ...row, model: row.q.model, version: row.q.version, windowStart: row.q.windowStart })),
  );
  return serving(byWindow, rule, inputs);
}

/**
 * Per model and version, the windows of the label-free estimate with enough scored predictions, refused ones
 * included (a version's calibration, and so its refusal, holds for all its windows).
 */
export function estimateSeries(
  rule: RuleOf<"estimated_accuracy_below" | "estimated_accuracy_drop">,
  inputs: MonitorInputs,
) {
  const rows = inputs
    .report(windowOf(rule))
    .labelFree.filter((row) => wants(rule, row.model, row.version) && row.n >= minCount(rule));
  return serving(
    groups(rows, (row) => `${row.model}\u0000${row.version}`),
    rule,
    inputs,
  );
}
