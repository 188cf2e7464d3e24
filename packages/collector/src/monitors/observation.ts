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
  threshold: number;
  /** The report window the value comes from (null for `no_events`). */
  windowStart: string | null;
  /** One line for people: what was measured against what. */
  summary: string;
}

export const scopeKeyOf = (scope: Record<string, string>): string =>
  Object.entries(scope)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
