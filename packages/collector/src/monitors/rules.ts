import { ConfigError, showValue } from "@inferlog/core";
import * as z from "zod/mini";
import { WINDOWS } from "../metrics/options.js";
import { configIssue } from "./config-issue.js";

/** Evaluations a monitor must see in a row before it fires, and good ones before it resolves. */
export const DEFAULT_FIRE_AFTER = 2;
export const DEFAULT_RESOLVE_AFTER = 2;
/** How often `serve` evaluates the monitors. */
export const DEFAULT_INTERVAL_SECONDS = 300;
/** Fewest labels (or rows) a window needs before a monitor judges it. */
export const DEFAULT_MIN_COUNT = 30;
/** How far back `no_events` looks for the sources it watches. */
export const DEFAULT_LOOKBACK_HOURS = 7 * 24;

const fraction = z.number().check(z.gte(0), z.lte(1));
const positive = z.number().check(z.gt(0));
const count = z.int().check(z.gte(1));
const name = z.string().check(z.minLength(1), z.maxLength(200));
const qualityMetric = z.string().check(
  z.refine((message) => /^(accuracy|mrr|ndcg|hit@([1-9]|1\d|20))$/.test(message), {
    message: 'must be "accuracy", "mrr", "ndcg" or "hit@k" with k from 1 to 20',
  }),
);

/** What every rule may say: which model (and version) it watches, and its hysteresis. */
const common = {
  id: z
    .string()
    .check(
      z.refine((id) => /^[A-Za-z0-9_.:-]{1,100}$/.test(id), { message: "must be 1-100 letters, digits, _ . : -" }),
    ),
  kind: z.string(),
  model: z.optional(name),
  version: z.optional(name),
  window: z.optional(z.enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS])),
  minCount: z.optional(count),
  fireAfter: z.optional(count),
  resolveAfter: z.optional(count),
  description: z.optional(z.string().check(z.maxLength(500))),
};

/**
 * The rule kinds, each with the fields it takes. A kind is one entry here and one evaluator in
 * evaluate-rules.ts (the estimate's kinds in estimate-evaluators.ts).
 */
export const RULE_SCHEMAS = {
  quality_below: z.strictObject({ ...common, metric: qualityMetric, floor: fraction, clearAt: z.optional(fraction) }),
  quality_drop: z.strictObject({ ...common, metric: qualityMetric, points: positive, clearAt: z.optional(z.number()) }),
  estimated_accuracy_below: z.strictObject({ ...common, floor: fraction, clearAt: z.optional(fraction) }),
  estimated_accuracy_drop: z.strictObject({ ...common, points: positive, clearAt: z.optional(z.number()) }),
  drift_above: z.strictObject({
    ...common,
    feature: z.optional(name),
    measure: z.optional(z.enum(["psi", "js"])),
    above: positive,
    clearAt: z.optional(z.number().check(z.gte(0))),
  }),
  ignore_rate_rise: z.strictObject({ ...common, points: positive, clearAt: z.optional(z.number()) }),
  label_coverage_below: z.strictObject({ ...common, floor: fraction, clearAt: z.optional(fraction) }),
  orphan_share_above: z.strictObject({ ...common, above: fraction, clearAt: z.optional(fraction) }),
  no_events: z.strictObject({
    ...common,
    source: z.optional(name),
    minutes: positive,
    lookbackHours: z.optional(positive),
  }),
  business_off_baseline: z.strictObject({
    ...common,
    metric: name,
    relative: positive,
    baseline: z.optional(z.number()),
    direction: z.optional(z.enum(["below", "above", "either"])),
    clearAt: z.optional(z.number().check(z.gte(0))),
  }),
} as const;

export type RuleKind = keyof typeof RULE_SCHEMAS;
export type Rule = { [K in RuleKind]: z.infer<(typeof RULE_SCHEMAS)[K]> & { kind: K } }[RuleKind];
export type RuleOf<K extends RuleKind> = Extract<Rule, { kind: K }>;
export const RULE_KINDS = Object.keys(RULE_SCHEMAS) as RuleKind[];

/**
 * The monitors a store gets when its configuration names none: enabled, documented in docs/monitors.md.
 * They watch every model; a team narrows or replaces them in the config file.
 */
export const DEFAULT_RULES: readonly Rule[] = [
  { id: "accuracy-drop", kind: "quality_drop", metric: "accuracy", points: 10 },
  { id: "feature-drift", kind: "drift_above", measure: "psi", above: 0.25, clearAt: 0.1 },
  { id: "ignore-rate-rise", kind: "ignore_rate_rise", points: 15 },
  { id: "label-coverage", kind: "label_coverage_below", floor: 0.5 },
  { id: "orphan-share", kind: "orphan_share_above", above: 0.05 },
  { id: "source-silent", kind: "no_events", minutes: 60 },
];

export interface MonitorsConfig {
  intervalSeconds: number;
  fireAfter: number;
  resolveAfter: number;
  rules: readonly Rule[];
  /** True when the rules are DEFAULT_RULES (the config named none). */
  defaults: boolean;
}

const sectionSchema = z.strictObject({
  intervalSeconds: z.optional(z.int().check(z.gte(10), z.lte(86_400))),
  fireAfter: z.optional(count),
  resolveAfter: z.optional(count),
  /** false: only `rules`; true (default when `rules` is absent): the defaults, then `rules`. */
  defaults: z.optional(z.boolean()),
  rules: z.optional(z.array(z.unknown())),
});

const fail = (issue: z.core.$ZodIssue, input: unknown, prefix: (string | number)[]): never => {
  throw configIssue("monitors", issue, input, prefix);
};

/** One rule, checked against its kind's schema; errors name the field (`monitors.rules[2].floor`). */
export function parseRule(input: unknown, index: number): Rule {
  const at = ["monitors", "rules", index];
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (typeof kind !== "string" || !(kind in RULE_SCHEMAS)) {
    throw new ConfigError(
      `Invalid monitors config: expected \`monitors.rules[${index}].kind\` to be one of ${RULE_KINDS.join(", ")}, got \`${showValue(kind)}\``,
    );
  }
  const row = z.safeParse(RULE_SCHEMAS[kind as RuleKind], input);
  if (!row.success) return fail(row.error.issues[0] as z.core.$ZodIssue, input, at);
  return row.data as Rule;
}

/** The `monitors` section of the config file (absent: the defaults, evaluated every 5 minutes). */
export function parseMonitorsConfig(input: unknown): MonitorsConfig {
  const section = input === undefined ? {} : input;
  const row = z.safeParse(sectionSchema, section);
  if (!row.success) return fail(row.error.issues[0] as z.core.$ZodIssue, section, ["monitors"]);
  const own = (row.data.rules ?? []).map(parseRule);
  const defaults = row.data.defaults ?? row.data.rules === undefined;
  const rules = [
    ...(defaults ? DEFAULT_RULES.filter((rule) => !own.some((options) => options.id === rule.id)) : []),
    ...own,
  ];
  const seen = new Set<string>();
  own.forEach((rule, index) => {
    if (seen.has(rule.id)) {
      throw new ConfigError(`Invalid monitors config: \`monitors.rules[${index}].id\` repeats the id \`${rule.id}\``);
    }
    seen.add(rule.id);
  });
  return {
    intervalSeconds: row.data.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
    fireAfter: row.data.fireAfter ?? DEFAULT_FIRE_AFTER,
    resolveAfter: row.data.resolveAfter ?? DEFAULT_RESOLVE_AFTER,
    rules,
    defaults,
  };
}
