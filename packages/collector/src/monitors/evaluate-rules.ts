import { estimatedAccuracyBelow, estimatedAccuracyDrop } from "./estimate-evaluators.js";
import {
  above,
  atLeast,
  below,
  fresh,
  groups,
  type MonitorInputs,
  minCount,
  pc,
  pts,
  qualitySeries,
  serving,
  wants,
  windowOf,
} from "./judged-series.js";
import type { Observation } from "./observation.js";
import { observe } from "./observation.js";
import { DEFAULT_LOOKBACK_HOURS, type Rule, type RuleKind, type RuleOf } from "./rules.js";

export { kOf, type MonitorInputs } from "./judged-series.js";

type Evaluator<K extends RuleKind> = (rule: RuleOf<K>, inputs: MonitorInputs) => Observation[];

const EVALUATORS: { [K in RuleKind]: Evaluator<K> } = {
  quality_below(rule, inputs) {
    return qualitySeries(rule, inputs).map((series) => {
      const last = series[series.length - 1]!;
      const scope = { model: last.q.model, version: last.q.version };
      return observe(rule, scope, {
        verdict: below(last.value, rule.floor, rule.clearAt),
        value: last.value,
        threshold: rule.floor,
        windowStart: last.q.windowStart,
        summary: `${rule.metric} ${pc(last.value)} (floor ${pc(rule.floor)}) on ${last.q.labeled} labels`,
      });
    });
  },
  quality_drop(rule, inputs) {
    return qualitySeries(rule, inputs).map((series) => {
      const first = series[0]!;
      const last = series[series.length - 1]!;
      const drop = (first.value - last.value) * 100;
      const scope = { model: last.q.model, version: last.q.version };
      return observe(rule, scope, {
        verdict: atLeast(drop, rule.points, rule.clearAt),
        value: drop,
        threshold: rule.points,
        windowStart: last.q.windowStart,
        summary: `${rule.metric} ${pc(last.value)}, down ${pts(drop)} from ${pc(first.value)} in the version's first ${windowOf(rule)} (limit ${pts(rule.points)})`,
      });
    });
  },
  estimated_accuracy_below: estimatedAccuracyBelow,
  estimated_accuracy_drop: estimatedAccuracyDrop,
  drift_above(rule, inputs) {
    const measure = rule.measure ?? "psi";
    const rows = inputs
      .report(windowOf(rule))
      .drift.filter(
        (row) =>
          wants(rule, row.model) &&
          (rule.feature === undefined || rule.feature === row.feature) &&
          row.n >= minCount(rule),
      );
    const series = groups(rows, (row) => `${row.model}\u0000${row.feature}`);
    return series
      .filter((rs) => fresh(rule, inputs, rs[rs.length - 1]!.windowStart))
      .map((series) => {
        const last = series[series.length - 1]!;
        const value = last[measure];
        const scope = { model: last.model, feature: last.feature };
        return observe(rule, scope, {
          verdict: above(value, rule.above, rule.clearAt),
          value,
          threshold: rule.above,
          windowStart: last.windowStart,
          summary: `${measure.toUpperCase()} of ${last.feature} ${value.toFixed(3)} against the reference (limit ${rule.above})`,
        });
      });
  },
  ignore_rate_rise(rule, inputs) {
    const rows = inputs
      .report(windowOf(rule))
      .exposureAge.filter((row) => wants(rule, row.model) && row.exposed >= minCount(rule) && row.ignoreRate !== null);
    return groups(rows, (row) => row.model).flatMap((series) => {
      const first = series[0]!;
      const last = series[series.length - 1]!;
      const rise = ((last.ignoreRate ?? 0) - (first.ignoreRate ?? 0)) * 100;
      const scope = { model: last.model };
      return [
        observe(rule, scope, {
          verdict: atLeast(rise, rule.points, rule.clearAt),
          value: rise,
          threshold: rule.points,
          windowStart: null,
          summary: `ignore rate ${pc(last.ignoreRate ?? 0)} at exposure age ${last.exposureAgeDays} d, up ${pts(rise)} from ${pc(first.ignoreRate ?? 0)} at ${first.exposureAgeDays} d (limit ${pts(rule.points)})`,
        }),
      ];
    });
  },
  label_coverage_below(rule, inputs) {
    const sums = new Map<string, { model: string; w: string; due: number; labeled: number }>();
    for (const row of inputs.report(windowOf(rule)).quality) {
      if (!wants(rule, row.model, row.version)) continue;
      const key = `${row.model}\u0000${row.windowStart}`;
      const entry = sums.get(key) ?? { model: row.model, w: row.windowStart, due: 0, labeled: 0 };
      entry.due += row.due;
      entry.labeled += row.dueLabeled;
      sums.set(key, entry);
    }
    const rows = [...sums.values()]
      .filter((entry) => entry.due >= minCount(rule))
      .sort((left, right) => left.w.localeCompare(right.w));
    return groups(rows, (entry) => entry.model)
      .filter((rs) => fresh(rule, inputs, rs[rs.length - 1]!.w))
      .map((series) => {
        const last = series[series.length - 1]!;
        const coverage = last.labeled / last.due;
        const scope = { model: last.model };
        return observe(rule, scope, {
          verdict: below(coverage, rule.floor, rule.clearAt),
          value: coverage,
          threshold: rule.floor,
          windowStart: last.w,
          summary: `label coverage ${pc(coverage)} of ${last.due} due predictions (floor ${pc(rule.floor)})`,
        });
      });
  },
  orphan_share_above(rule, inputs) {
    const rows = inputs
      .report(windowOf(rule))
      .orphans.filter((orphan) => wants(rule, orphan.model) && orphan.outcomes + orphan.feedback >= minCount(rule));
    return groups(rows, (row) => row.model)
      .filter((rs) => fresh(rule, inputs, rs[rs.length - 1]!.windowStart))
      .map((series) => {
        const last = series[series.length - 1]!;
        const share = last.orphanShare ?? 0;
        const scope = { model: last.model };
        return observe(rule, scope, {
          verdict: above(share, rule.above, rule.clearAt),
          value: share,
          threshold: rule.above,
          windowStart: last.windowStart,
          summary: `${last.orphanOutcomes + last.orphanFeedback} of ${last.outcomes + last.feedback} outcomes and feedback (${pc(share)}) name a prediction never seen (limit ${pc(rule.above)})`,
        });
      });
  },
  no_events(rule, inputs) {
    const lookbackMs = (rule.lookbackHours ?? DEFAULT_LOOKBACK_HOURS) * 3_600_000;
    const seen = inputs.lastSeen(inputs.nowMs - lookbackMs);
    const watched =
      rule.source === undefined
        ? seen
        : [seen.find((entry) => entry.source === rule.source) ?? { source: rule.source, lastMs: null }];
    return watched.map(({ source, lastMs }) => {
      const silentMinutes = lastMs === null ? null : Math.max(0, (inputs.nowMs - lastMs) / 60_000);
      const scope = { source };
      return observe(rule, scope, {
        verdict: silentMinutes === null || silentMinutes > rule.minutes ? "bad" : "good",
        value: silentMinutes,
        threshold: rule.minutes,
        windowStart: null,
        summary:
          silentMinutes === null
            ? `no events from ${source} in the last ${lookbackMs / 3_600_000} h`
            : `last event from ${source} ${silentMinutes.toFixed(0)} min ago (limit ${rule.minutes} min)`,
      });
    });
  },
  business_off_baseline(rule, inputs) {
    const direction = rule.direction ?? "either";
    const rows = inputs
      .report(windowOf(rule))
      .business.filter(
        (row) => wants(rule, row.model, row.version) && row.metric === rule.metric && row.n >= minCount(rule),
      );
    return serving(
      groups(rows, (row) => `${row.model}\u0000${row.version}`),
      rule,
      inputs,
    ).map((series) => {
      const last = series[series.length - 1]!;
      const baseline = rule.baseline ?? series[0]!.mean;
      const change = (last.mean - baseline) / Math.max(Math.abs(baseline), 1e-9);
      const off = direction === "below" ? -change : direction === "above" ? change : Math.abs(change);
      const scope = { model: last.model, version: last.version, metric: rule.metric };
      return observe(rule, scope, {
        verdict: above(off, rule.relative, rule.clearAt),
        value: change,
        threshold: rule.relative,
        windowStart: last.windowStart,
        summary: `${rule.metric} mean ${last.mean.toFixed(2)}, ${change >= 0 ? "+" : ""}${pc(change)} against the baseline ${baseline.toFixed(2)} (limit ${direction} ${pc(rule.relative)})`,
      });
    });
  },
};

/** Every rule's observations on the inputs, in the order of the rules. */
export function evaluateRules(rules: readonly Rule[], inputs: MonitorInputs): Observation[] {
  return rules.flatMap((rule) => (EVALUATORS[rule.kind] as Evaluator<RuleKind>)(rule as never, inputs));
}
