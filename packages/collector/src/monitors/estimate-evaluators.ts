/** The evaluators of the rules on the label-free accuracy estimate (CBPE, metrics/label-free.ts). */
import type { LabelFreeRow } from "../metrics/types.js";
import { atLeast, below, estimateSeries, type MonitorInputs, pc, pts, windowOf } from "./judged-series.js";
import { type Observation, observe, quiet, scopeKeyOf } from "./observation.js";
import type { RuleOf } from "./rules.js";

type EstimateRule = RuleOf<"estimated_accuracy_below" | "estimated_accuracy_drop">;

/**
 * A version whose estimate is refused (poor or unchecked calibration) is reported, never judged: no value and
 * no threshold, like a scope with no data, so it never fires (and a firing one resolves, as a quiet scope does).
 */
function notEvaluable(rule: EstimateRule, last: LabelFreeRow, refusedRow: LabelFreeRow): Observation {
  const scope = { model: last.model, version: last.version };
  return {
    ...quiet(
      { monitorId: rule.id, kind: rule.kind, scopeKey: scopeKeyOf(scope), scope },
      `not evaluable: no accuracy estimate (${refusedRow.refused ?? "none in this window"})`,
    ),
    windowStart: last.windowStart,
  };
}

export function estimatedAccuracyBelow(rule: RuleOf<"estimated_accuracy_below">, inputs: MonitorInputs): Observation[] {
  return estimateSeries(rule, inputs).map((series) => {
    const last = series[series.length - 1]!;
    if (last.estimatedAccuracy === null) return notEvaluable(rule, last, last);
    const scope = { model: last.model, version: last.version };
    return observe(rule, scope, {
      verdict: below(last.estimatedAccuracy, rule.floor, rule.clearAt),
      value: last.estimatedAccuracy,
      threshold: rule.floor,
      windowStart: last.windowStart,
      summary: `estimated accuracy ${pc(last.estimatedAccuracy)} (floor ${pc(rule.floor)}) on ${last.n} predictions, ${last.labeled} labeled`,
    });
  });
}

export function estimatedAccuracyDrop(rule: RuleOf<"estimated_accuracy_drop">, inputs: MonitorInputs): Observation[] {
  return estimateSeries(rule, inputs).map((series) => {
    const first = series[0]!;
    const last = series[series.length - 1]!;
    if (last.estimatedAccuracy === null) return notEvaluable(rule, last, last);
    if (first.estimatedAccuracy === null) return notEvaluable(rule, last, first);
    const drop = (first.estimatedAccuracy - last.estimatedAccuracy) * 100;
    const scope = { model: last.model, version: last.version };
    return observe(rule, scope, {
      verdict: atLeast(drop, rule.points, rule.clearAt),
      value: drop,
      threshold: rule.points,
      windowStart: last.windowStart,
      summary: `estimated accuracy ${pc(last.estimatedAccuracy)}, down ${pts(drop)} from ${pc(first.estimatedAccuracy)} in the version's first ${windowOf(rule)} (limit ${pts(rule.points)})`,
    });
  });
}
