import { decileEdgesAt, decilePositions } from "./decile-edges.js";
import { PREDICTED_LABEL, TRUE_LABEL } from "./dialect.js";
import {
  type BinPlan,
  categoricalPlan,
  type DriftTask,
  driftRowsOf,
  MAX_CATEGORIES,
  numericPlan,
  referenceIsWindow,
} from "./drift.js";
import type { MetricsContext, Rows } from "./run.js";
import { n, s } from "./run.js";
import { num, quantileLevel, windowStart } from "./sql-common.js";
import type { DriftRow } from "./types.js";

/** Where a task's rows come from in the drift relation (column `src`): feature rows, predicted or true labels. */
const FEATURE = 0;
const PREDICTED = 1;
const TRUE = 2;
const sourceOf = (feature: string): number =>
  feature === PREDICTED_LABEL ? PREDICTED : feature === TRUE_LABEL ? TRUE : FEATURE;

/**
 * The relation `driftInOnePass` reads, as ClickHouse SQL: src, model_name, feature, time_ms, num_value,
 * str_value of every task's rows in [fromMs, toMs) (feature rows; the predicted label of every shown, not
 * shadow, prediction; the true label from `scored`, which holds the report's range only), the rows
 * `Dialect.driftRows` gives task by task.
 */
export function driftRelation(
  { d, scored }: MetricsContext,
  tasks: readonly DriftTask[],
  fromMs: number,
  toMs: number,
): string[] {
  const models = [...new Set(tasks.map((t) => t.model))].map((m) => d.text(m)).join(", ");
  const range = `time_ms >= ${num(fromMs)} AND time_ms < ${num(toMs)}`;
  return [
    `SELECT toUInt8(${FEATURE}) AS src, model_name, name AS feature, time_ms, num_value, str_value
      FROM features FINAL WHERE model_name IN (${models}) AND ${range}`,
    `SELECT toUInt8(${PREDICTED}) AS src, model_name, '' AS feature, time_ms, CAST(NULL AS Nullable(Float64)) AS num_value,
      label AS str_value FROM predictions FINAL WHERE model_name IN (${models}) AND shadow = 0 AND ${range}`,
    `SELECT toUInt8(${TRUE}) AS src, model_name, '' AS feature, time_ms, CAST(NULL AS Nullable(Float64)) AS num_value,
      o_label AS str_value FROM (${scored}) WHERE has_o = 1 AND shadow = 0 AND model_name IN (${models})`,
  ];
}

/**
 * Drift of every task from a handful of statements over `rows` (`driftRelation`, in a TEMPORARY table) instead
 * of several per task: the kinds and reference counts of all features at once, the decile edges of all numeric
 * features in one pass (one `quantilesExactIf` per feature), the top categories of all categorical ones
 * (`LIMIT 20 BY`), and the bin counts of every task per window. The same counts, edges and categories as
 * `driftOf` computes task by task (same exact quantiles, same ordering), so the same rows.
 */
export async function driftInOnePass(
  ctx: MetricsContext,
  tasks: readonly DriftTask[],
  rows: string,
): Promise<DriftRow[][]> {
  const { d, o, q } = ctx;
  if (tasks.length === 0) return [];
  const is = (t: DriftTask) =>
    `(src = ${sourceOf(t.feature)} AND model_name = ${d.text(t.model)}${
      sourceOf(t.feature) === FEATURE ? ` AND feature = ${d.text(t.feature)}` : ""
    })`;
  const inRef = (t: DriftTask) => `time_ms >= ${num(t.reference.from)} AND time_ms < ${num(t.reference.to)}`;
  const key = (r: Record<string, unknown>) =>
    `${n(r.src)}\u0000${s(r.model_name)}\u0000${n(r.src) === FEATURE ? s(r.feature) : ""}`;
  const keyOf = (t: DriftTask) =>
    `${sourceOf(t.feature)}\u0000${t.model}\u0000${sourceOf(t.feature) === FEATURE ? t.feature : ""}`;
  const byKey = (list: Rows) => {
    const out = new Map<string, Rows>();
    for (const r of list) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
    return out;
  };
  const anyOf = (list: readonly DriftTask[], each: (t: DriftTask) => string) =>
    list.map((t) => `(${is(t)} AND ${each(t)})`).join(" OR ");

  // Kinds: a feature with text values in its reference is categorical, else numeric; none at all, no rows.
  const features = tasks.filter((t) => sourceOf(t.feature) === FEATURE);
  const kinds = new Map<string, { strs: number; nums: number }>();
  if (features.length > 0) {
    const found = await q(`SELECT src, model_name, feature, count(str_value) AS strs, count(num_value) AS nums
      FROM ${rows} WHERE ${anyOf(features, inRef)} GROUP BY src, model_name, feature`);
    for (const r of found) kinds.set(key(r), { strs: n(r.strs), nums: n(r.nums) });
  }
  const kindOf = (t: DriftTask): "numeric" | "categorical" | null => {
    if (sourceOf(t.feature) !== FEATURE) return "categorical";
    const k = kinds.get(keyOf(t));
    if (!k || k.strs + k.nums === 0) return null;
    return k.strs > 0 ? "categorical" : "numeric";
  };

  // Decile edges of every numeric feature's reference values, in one pass.
  const numeric = tasks.filter((t) => kindOf(t) === "numeric");
  const edges = new Map<string, number[]>();
  const withValues = numeric.filter((t) => (kinds.get(keyOf(t))?.nums ?? 0) > 0);
  if (withValues.length > 0) {
    const columns = withValues.map((t, i) => {
      const levels = decilePositions(kinds.get(keyOf(t))?.nums ?? 0)
        .levels.map((l) => num(quantileLevel(l)))
        .join(", ");
      return `quantilesExactIf(${levels})(assumeNotNull(num_value), ${is(t)} AND ${inRef(t)} AND isNotNull(num_value)) AS e${i}`;
    });
    const [r] = await q(`SELECT ${columns.join(", ")} FROM ${rows} WHERE ${anyOf(withValues, inRef)}`);
    withValues.forEach((t, i) => {
      const values = (r?.[`e${i}`] as unknown[] | undefined)?.map(Number) ?? [];
      edges.set(keyOf(t), decileEdgesAt(kinds.get(keyOf(t))?.nums ?? 0, values));
    });
  }

  // The most frequent reference values of every categorical task.
  const categorical = tasks.filter((t) => kindOf(t) === "categorical");
  const top =
    categorical.length === 0
      ? new Map<string, Rows>()
      : byKey(
          await q(`SELECT src, model_name, feature, str_value AS v, count() AS cnt FROM ${rows}
            WHERE isNotNull(str_value) AND (${anyOf(categorical, inRef)})
            GROUP BY src, model_name, feature, v ORDER BY src, model_name, feature, cnt DESC, v
            LIMIT ${MAX_CATEGORIES} BY src, model_name, feature`),
        );

  const plans = new Map<string, BinPlan>();
  for (const t of tasks) {
    const kind = kindOf(t);
    if (kind === "numeric") plans.set(keyOf(t), numericPlan(edges.get(keyOf(t)) ?? []));
    if (kind === "categorical") {
      plans.set(
        keyOf(t),
        categoricalPlan(
          (top.get(keyOf(t)) ?? []).map((r) => s(r.v)),
          (v) => d.text(v),
        ),
      );
    }
  }
  const planned = tasks.filter((t) => plans.has(keyOf(t)));
  if (planned.length === 0) return tasks.map(() => []);
  // Bin counts per task, one SELECT each in one statement: each bins only its own rows (a CASE over every
  // task's bins would evaluate all of them on every row).
  const counts = async (tasksToCount: readonly DriftTask[], where: (t: DriftTask) => string, groups: string) => {
    const list = [...new Map(tasksToCount.map((t) => [keyOf(t), t])).values()];
    const parts = list.map(
      (t, i) => `SELECT toUInt32(${i}) AS task, ${groups}, count() AS cnt FROM (
        SELECT ${windowStart("time_ms", o.windowMs)} AS w, ${(plans.get(keyOf(t)) as BinPlan).bin} AS b FROM ${rows}
        WHERE ${is(t)} AND ${where(t)}) GROUP BY ${groups}`,
    );
    const out = new Map<string, Rows>();
    for (const r of await q(parts.join(" UNION ALL "))) {
      const k = keyOf(list[n(r.task)] as DriftTask);
      out.set(k, [...(out.get(k) ?? []), r]);
    }
    // In the order of the windows, then of the bin codes (the order of `driftOf`'s GROUP BY).
    for (const rowsOfTask of out.values()) rowsOfTask.sort((x, y) => n(x.w) - n(y.w) || n(x.b) - n(y.b));
    return out;
  };
  const windowCounts = await counts(planned, () => `time_ms >= ${num(o.fromMs)} AND time_ms < ${num(o.toMs)}`, "w, b");
  const outside = planned.filter((t) => !referenceIsWindow(o, t.reference));
  const referenceCounts = outside.length === 0 ? new Map<string, Rows>() : await counts(outside, inRef, "b");
  return tasks.map((t) => {
    const plan = plans.get(keyOf(t));
    if (!plan) return [];
    return driftRowsOf(
      t,
      plan,
      windowCounts.get(keyOf(t)) ?? [],
      referenceIsWindow(o, t.reference) ? null : (referenceCounts.get(keyOf(t)) ?? []),
    );
  });
}
