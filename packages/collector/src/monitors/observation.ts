import type { RuleKind } from "./rules.js";

/**
 * One monitor's judgement of one scope (a model, a version, a feature, a source) at one evaluation:
 * `bad` past the threshold, `good` back inside it (past `clearAt` when the rule has a band), `between`
 * in the band, where neither counter grows.
 */
export interface Observation {
  monitorId: string;
  kind: RuleKind;
  /** Stable text naming the scope, such as `model=ticket-router version=v2 feature=length`. */
  scopeKey: string;
  scope: Record<string, string>;
  verdict: "bad" | "good" | "between";
  value: number | null;
  /** Null when the scope had no data to judge (see `quiet`). */
  threshold: number | null;
  /** The report window the value comes from (null for `no_events`). */
  windowStart: string | null;
  /** One line for people: what was measured against what. */
  summary: string;
}

export const scopeKeyOf = (scope: Record<string, string>): string =>
  Object.entries(scope)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");

/** What an evaluator judged of a scope; `observe` adds the monitor and the scope's key. */
export type Judged = Pick<Observation, "verdict" | "value" | "threshold" | "windowStart" | "summary">;

/** `rule`'s observation of `scope`: the one place an observation's identity is filled in. */
export const observe = (
  rule: { id: string; kind: RuleKind },
  scope: Record<string, string>,
  judged: Judged,
): Observation => ({ monitorId: rule.id, kind: rule.kind, scopeKey: scopeKeyOf(scope), scope, ...judged });

export const NO_RECENT_DATA = "no recent data for this scope (a retired version, or nothing in the last windows)";
export const NOT_CONFIGURED = "the monitor is no longer in the configuration";

/**
 * The observation for a firing scope that the evaluation no longer judges (a retired version, a model
 * or feature with no recent windows, a monitor removed from the config): good, so it resolves rather
 * than fire forever.
 */
export const quiet = (
  state: { monitorId: string; kind: RuleKind; scopeKey: string; scope: Record<string, string> },
  summary: string,
): Observation => ({
  monitorId: state.monitorId,
  kind: state.kind,
  scopeKey: state.scopeKey,
  scope: state.scope,
  verdict: "good",
  value: null,
  threshold: null,
  windowStart: null,
  summary,
});
