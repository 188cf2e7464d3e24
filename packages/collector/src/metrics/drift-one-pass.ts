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
import { asNumber, asText } from "./run.js";
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
 * str_value of every task's rows in `ranges` (drift.ts driftRanges: its windows and references; feature rows; the predicted label of every shown, not
 * shadow, prediction; the true label from `scored`, which holds the report's range only), the rows
 * `Dialect.driftRows` gives task by task.
 */
export function driftRelation(
  { dialect, scored }: MetricsContext,
  tasks: readonly DriftTask[],
  ranges: readonly (readonly [from: number, to: number])[],
): string[] {
  const models = [...new Set(tasks.map((task) => task.model))].map((message) => dialect.text(message)).join(", ");
  const range = `(${ranges.map(([from, to]) => `(time_ms >= ${num(from)} AND time_ms < ${num(to)})`).join(" OR ")})`;
  const parts: Record<number, string> = {
    [FEATURE]: `SELECT toUInt8(${FEATURE}) AS src, model_name, name AS feature, time_ms, num_value, str_value
      FROM features FINAL PREWHERE model_name IN (${models}) AND ${range}`,
    [PREDICTED]: `SELECT toUInt8(${PREDICTED}) AS src, model_name, '' AS feature, time_ms, CAST(NULL AS Nullable(Float64)) AS num_value,
      label AS str_value FROM predictions FINAL PREWHERE model_name IN (${models}) AND ${range} WHERE shadow = 0`,
    [TRUE]: `SELECT toUInt8(${TRUE}) AS src, model_name, '' AS feature, time_ms, CAST(NULL AS Nullable(Float64)) AS num_value,
      o_label AS str_value FROM (${scored}) WHERE has_o = 1 AND shadow = 0 AND model_name IN (${models})`,
  };
  // Only the sources some task reads: the others' rows would never be counted.
  const sources = new Set(tasks.map((task) => sourceOf(task.feature)));
  return [FEATURE, PREDICTED, TRUE].filter((source) => sources.has(source)).map((source) => parts[source] as string);
}

/** Whether a task's drift reads the per-prediction relation (the true label) rather than raw rows only. */
export const readsScored = (task: DriftTask): boolean => sourceOf(task.feature) === TRUE;

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
  const { dialect, options, query } = ctx;
  if (tasks.length === 0) return [];
  const is = (driftTask: DriftTask) =>
    `(src = ${sourceOf(driftTask.feature)} AND model_name = ${dialect.text(driftTask.model)}${
      sourceOf(driftTask.feature) === FEATURE ? ` AND feature = ${dialect.text(driftTask.feature)}` : ""
    })`;
  const inRef = (driftTask: DriftTask) =>
    `time_ms >= ${num(driftTask.reference.from)} AND time_ms < ${num(driftTask.reference.to)}`;
  const key = (result: Record<string, unknown>) =>
    `${asNumber(result.src)}\u0000${asText(result.model_name)}\u0000${asNumber(result.src) === FEATURE ? asText(result.feature) : ""}`;
  const keyOf = (driftTask: DriftTask) =>
    `${sourceOf(driftTask.feature)}\u0000${driftTask.model}\u0000${sourceOf(driftTask.feature) === FEATURE ? driftTask.feature : ""}`;
  const byKey = (list: Rows) => {
    const out = new Map<string, Rows>();
    for (const result of list) out.set(key(result), [...(out.get(key(result)) ?? []), result]);
    return out;
  };
  const anyOf = (list: readonly DriftTask[], each: (driftTask: DriftTask) => string) =>
    list.map((driftTask) => `(${is(driftTask)} AND ${each(driftTask)})`).join(" OR ");

  // Kinds: a feature with text values in its reference is categorical, else numeric; none at all, no rows.
  const features = tasks.filter((task) => sourceOf(task.feature) === FEATURE);
  const kinds = new Map<string, { strs: number; nums: number }>();
  if (features.length > 0) {
    const found = await query(`SELECT src, model_name, feature, count(str_value) AS strs, count(num_value) AS nums
      FROM ${rows} WHERE ${anyOf(features, inRef)} GROUP BY src, model_name, feature`);
    for (const result of found) kinds.set(key(result), { strs: asNumber(result.strs), nums: asNumber(result.nums) });
  }
  const kindOf = (driftTask: DriftTask): "numeric" | "categorical" | null => {
    if (sourceOf(driftTask.feature) !== FEATURE) return "categorical";
    const entry = kinds.get(keyOf(driftTask));
    if (!entry || entry.strs + entry.nums === 0) return null;
    return entry.strs > 0 ? "categorical" : "numeric";
  };

  // Decile edges of every numeric feature's reference values, in one pass.
  const numeric = tasks.filter((task) => kindOf(task) === "numeric");
  const edges = new Map<string, number[]>();
  const withValues = numeric.filter((driftTask) => (kinds.get(keyOf(driftTask))?.nums ?? 0) > 0);
  if (withValues.length > 0) {
    const columns = withValues.map((withValue, index) => {
      const levels = decilePositions(kinds.get(keyOf(withValue))?.nums ?? 0)
        .levels.map((level) => num(quantileLevel(level)))
        .join(", ");
      return `quantilesExactIf(${levels})(assumeNotNull(num_value), ${is(withValue)} AND ${inRef(withValue)} AND isNotNull(num_value)) AS e${index}`;
    });
    const [row] = await query(`SELECT ${columns.join(", ")} FROM ${rows} WHERE ${anyOf(withValues, inRef)}`);
    withValues.forEach((withValue, index) => {
      const values = (row?.[`e${index}`] as unknown[] | undefined)?.map(Number) ?? [];
      edges.set(keyOf(withValue), decileEdgesAt(kinds.get(keyOf(withValue))?.nums ?? 0, values));
    });
  }

  // The most frequent reference values of every categorical task.
  const categorical = tasks.filter((task) => kindOf(task) === "categorical");
  const top =
    categorical.length === 0
      ? new Map<string, Rows>()
      : byKey(
          await query(`SELECT src, model_name, feature, str_value AS v, count() AS cnt FROM ${rows}
            WHERE isNotNull(str_value) AND (${anyOf(categorical, inRef)})
            GROUP BY src, model_name, feature, v ORDER BY src, model_name, feature, cnt DESC, v
            LIMIT ${MAX_CATEGORIES} BY src, model_name, feature`),
        );

  const plans = new Map<string, BinPlan>();
  for (const driftTask of tasks) {
    const kind = kindOf(driftTask);
    if (kind === "numeric") plans.set(keyOf(driftTask), numericPlan(edges.get(keyOf(driftTask)) ?? []));
    if (kind === "categorical") {
      plans.set(
        keyOf(driftTask),
        categoricalPlan(
          (top.get(keyOf(driftTask)) ?? []).map((result) => asText(result.v)),
          (value) => dialect.text(value),
        ),
      );
    }
  }
  const planned = tasks.filter((task) => plans.has(keyOf(task)));
  if (planned.length === 0) return tasks.map(() => []);
  // Bin counts per task, one SELECT each in one statement: each bins only its own rows (a CASE over every
  // task's bins would evaluate all of them on every row).
  const counts = async (
    tasksToCount: readonly DriftTask[],
    where: (driftTask: DriftTask) => string,
    groups: string,
  ) => {
    const list = [...new Map(tasksToCount.map((driftTask) => [keyOf(driftTask), driftTask])).values()];
    const parts = list.map(
      (driftTask, index) => `SELECT toUInt32(${index}) AS task, ${groups}, count() AS cnt FROM (
        SELECT ${windowStart("time_ms", options.windowMs)} AS w, ${(plans.get(keyOf(driftTask)) as BinPlan).bin} AS b FROM ${rows}
        WHERE ${is(driftTask)} AND ${where(driftTask)}) GROUP BY ${groups}`,
    );
    const out = new Map<string, Rows>();
    for (const result of await query(parts.join(" UNION ALL "))) {
      const key = keyOf(list[asNumber(result.task)] as DriftTask);
      out.set(key, [...(out.get(key) ?? []), result]);
    }
    // In the order of the windows, then of the bin codes (the order of `driftOf`'s GROUP BY).
    for (const rowsOfTask of out.values())
      rowsOfTask.sort((left, right) => asNumber(left.w) - asNumber(right.w) || asNumber(left.b) - asNumber(right.b));
    return out;
  };
  const windowCounts = await counts(
    planned,
    () => `time_ms >= ${num(options.driftFromMs)} AND time_ms < ${num(options.toMs)}`,
    "w, b",
  );
  const outside = planned.filter((driftTask) => !referenceIsWindow(options, driftTask.reference));
  const referenceCounts = outside.length === 0 ? new Map<string, Rows>() : await counts(outside, inRef, "b");
  return tasks.map((task) => {
    const plan = plans.get(keyOf(task));
    if (!plan) return [];
    return driftRowsOf(
      task,
      plan,
      windowCounts.get(keyOf(task)) ?? [],
      referenceIsWindow(options, task.reference) ? null : (referenceCounts.get(keyOf(task)) ?? []),
    );
  });
}
