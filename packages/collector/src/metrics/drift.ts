import { referenceDecileEdges } from "./decile-edges.js";
import { PREDICTED_LABEL, TRUE_LABEL } from "./dialect.js";
import { jsDistance, psi, psiFlag } from "./divergence.js";
import type { MetricsContext } from "./run.js";
import { asNumber, asText, iso } from "./run.js";
import { num, windowStart } from "./sql-common.js";
import type { DriftRow } from "./types.js";

/** Categorical features keep their most frequent reference values; the rest fall in "(other)". */
export const MAX_CATEGORIES = 20;

const MISSING_BIN = "(missing)";
const OTHER_BIN = "(other)";

/** Edges as short text: the fewest significant digits (3 or more) that keep distinct edges distinct. */
export function edgeTexts(edges: readonly number[]): string[] {
  for (let digits = 3; digits < 17; digits++) {
    const texts = edges.map((edge) => String(Number(edge.toPrecision(digits))));
    if (new Set(texts).size === edges.length) return texts;
  }
  return edges.map(String);
}

/** The names of the numeric bins among `edges`, low to high: bin i holds values in (edges[i − 1], edges[i]]. */
export function numericBinLabels(edges: readonly number[]): string[] {
  if (edges.length === 0) return ["all"];
  const texts = edgeTexts(edges);
  return Array.from({ length: edges.length + 1 }, (_, index) =>
    index === 0
      ? `≤ ${texts[0]}`
      : index === edges.length
        ? `> ${texts[index - 1]}`
        : `(${texts[index - 1]}, ${texts[index]}]`,
  );
}

/** One drift computation: a feature (or label) of a model against its reference window. */
export interface DriftTask {
  model: string;
  feature: string;
  reference: { from: number; to: number };
}

/**
 * Drift per feature (and of the predicted and the true label) of each report window against a
 * reference window: binning, counting and quantiles in the store, PSI and JS on the bin counts.
 */
export async function drift(ctx: MetricsContext): Promise<DriftRow[]> {
  return (await driftOf(ctx, await driftTasks(ctx))).flat();
}

/** What `drift` computes, in the order of its rows: per model with a reference window, its labels and features. */
export async function driftTasks(ctx: MetricsContext): Promise<DriftTask[]> {
  const { dialect, options, query } = ctx;
  const names = await query(dialect.featureNames(options));
  const models = await query(dialect.modelNames(options));
  const features = new Map<string, string[]>();
  for (const match of models) features.set(asText(match.model_name), [PREDICTED_LABEL, TRUE_LABEL]);
  for (const result of names)
    features.set(asText(result.model_name), [...(features.get(asText(result.model_name)) ?? []), asText(result.name)]);

  const tasks: DriftTask[] = [];
  for (const [model, list] of features) {
    const reference = await referenceWindow(ctx, model);
    if (!reference) continue;
    for (const feature of list) tasks.push({ model, feature, reference });
  }
  return tasks;
}

/** The drift rows of each task (tasks are independent: any subset can run on any connection to the store). */
export async function driftOf(ctx: MetricsContext, tasks: readonly DriftTask[]): Promise<DriftRow[][]> {
  const out: DriftRow[][] = [];
  for (const driftTask of tasks) out.push(await featureDrift(ctx, driftTask));
  return out;
}

/**
 * The bin of a non-null num_value among bins lo..hi: how many of the ascending `edges` lie below it, found by
 * bisection (about log2 of the edges' count comparisons per row instead of one per edge).
 */
export function binOf(edges: readonly number[], lo: number, hi: number): string {
  if (lo >= hi) return String(lo);
  const mid = (lo + hi + 1) >> 1;
  // The bin is mid or more exactly when the value is above edges[mid - 1].
  return `CASE WHEN num_value > ${num(edges[mid - 1] as number)} THEN ${binOf(edges, mid, hi)} ELSE ${binOf(edges, lo, mid - 1)} END`;
}

async function referenceWindow(
  { dialect, options, query }: MetricsContext,
  model: string,
): Promise<{ from: number; to: number } | null> {
  if (options.referenceFromMs !== undefined && options.referenceToMs !== undefined) {
    return { from: options.referenceFromMs, to: options.referenceToMs };
  }
  const [row] = await query(dialect.firstPredictionTime(model, options.fromMs, options.toMs));
  if (!row || row.t === null || row.t === undefined) return null;
  const time = asNumber(row.t);
  const start = time - ((time - (options.window === "week" ? 4 * 86_400_000 : 0)) % options.windowMs);
  return { from: start, to: start + options.windowMs };
}

/**
 * How one task's rows are binned: `bin` is the SQL of a row's bin code (over num_value or str_value), `names`
 * names a code, `binOrder` lists the bins in reading order (numeric: low to high; categorical: the reference's
 * most frequent first).
 */
export interface BinPlan {
  kind: DriftRow["kind"];
  bin: string;
  names: (code: unknown) => string;
  binOrder: string[];
}

/** Bin i holds values in (edge[i-1], edge[i]]; 99 holds missing values (non-negative: one integer type in ClickHouse). */
export function numericPlan(edges: readonly number[]): BinPlan {
  const labels = numericBinLabels(edges);
  return {
    kind: "numeric",
    bin: `CASE WHEN num_value IS NULL THEN 99 ELSE ${binOf(edges, 0, edges.length)} END`,
    names: (code) => (asNumber(code) === 99 ? MISSING_BIN : (labels[asNumber(code)] as string)),
    binOrder: [...labels, MISSING_BIN],
  };
}

/** Categorical bins are counted as integer codes (cheaper to group than text) and named after counting. */
export function categoricalPlan(values: readonly string[], text: (value: string) => string): BinPlan {
  const whens = values.map((value, index) => `WHEN str_value = ${text(value)} THEN ${index + 1}`).join(" ");
  return {
    kind: "categorical",
    bin: `CASE WHEN str_value IS NULL THEN 0 ${whens} ELSE ${values.length + 1} END`,
    names: (code) => (asNumber(code) === 0 ? MISSING_BIN : (values[asNumber(code) - 1] ?? OTHER_BIN)),
    binOrder: [...values, OTHER_BIN, MISSING_BIN],
  };
}

/**
 * The default reference is the first report window, whose counts are already among the window counts (unless
 * `driftFrom` starts the drift windows after it).
 */
export const referenceIsWindow = (options: MetricsContext["options"], ref: { from: number; to: number }): boolean =>
  options.referenceFromMs === undefined && ref.from >= options.driftFromMs && ref.to <= options.toMs;

/**
 * The time ranges drift reads for `tasks`: its windows ([driftFromMs, toMs)) and each task's reference, overlapping
 * ones merged; ascending.
 */
export function driftRanges(
  options: MetricsContext["options"],
  tasks: readonly DriftTask[],
): [from: number, to: number][] {
  const ranges = [[options.driftFromMs, options.toMs], ...tasks.map((task) => [task.reference.from, task.reference.to])]
    .map(([from, to]) => [from, to] as [number, number])
    .sort((left, right) => left[0] - right[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of ranges) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/**
 * The drift rows of one task from its bin counts: `windowCounts` (w, b, cnt ordered by w, b) over the report,
 * `referenceCounts` (b, cnt) over the reference, or null when the reference is a report window.
 */
export function driftRowsOf(
  task: DriftTask,
  plan: BinPlan,
  windowCounts: readonly Record<string, unknown>[],
  referenceCounts: readonly Record<string, unknown>[] | null,
): DriftRow[] {
  const { model, feature, reference: ref } = task;
  const named = (rows: readonly Record<string, unknown>[]): Record<string, unknown>[] =>
    rows.map((row) => ({ ...row, b: plan.names(row.b) }));
  const winCounts = named(windowCounts);
  const refCounts =
    referenceCounts === null
      ? winCounts.filter((winCount) => asNumber(winCount.w) === ref.from)
      : named(referenceCounts);
  // Counts add up per bin name: a category literally named "(other)" shares the "(other)" bin.
  const expected = new Map<string, number>();
  for (const result of refCounts)
    expected.set(asText(result.b), (expected.get(asText(result.b)) ?? 0) + asNumber(result.cnt));
  if (expected.size === 0) return [];
  const referenceN = [...expected.values()].reduce((total, bytes) => total + bytes, 0);
  const windows = new Map<number, Map<string, number>>();
  for (const result of winCounts) {
    const weight = asNumber(result.w);
    const match = windows.get(weight) ?? new Map<string, number>();
    match.set(asText(result.b), (match.get(asText(result.b)) ?? 0) + asNumber(result.cnt));
    windows.set(weight, match);
  }
  return [...windows].map(([weight, actual]) => {
    const value = psi(expected, actual);
    const windowN = [...actual.values()].reduce((total, bytes) => total + bytes, 0);
    return {
      model,
      feature,
      kind: plan.kind,
      windowStart: iso(weight),
      referenceStart: iso(ref.from),
      n: windowN,
      referenceN,
      psi: value,
      js: jsDistance(expected, actual),
      flag: psiFlag(value),
      bins: plan.binOrder.flatMap((text) =>
        expected.has(text) || actual.has(text)
          ? [
              {
                bin: text,
                referenceShare: (expected.get(text) ?? 0) / referenceN,
                share: (actual.get(text) ?? 0) / windowN,
              },
            ]
          : [],
      ),
    };
  });
}

async function featureDrift(ctx: MetricsContext, task: DriftTask): Promise<DriftRow[]> {
  const { model, feature, reference: ref } = task;
  const { dialect, options, query, scored } = ctx;
  const src = dialect.driftRows(model, feature, scored);
  const inRef = `time_ms >= ${num(ref.from)} AND time_ms < ${num(ref.to)}`;
  let kind: DriftRow["kind"] = "categorical";
  let referenceNumbers = 0;
  if (feature !== PREDICTED_LABEL && feature !== TRUE_LABEL) {
    const [kinds] = await query(
      `SELECT COUNT(str_value) AS strs, COUNT(num_value) AS nums FROM (${src}) WHERE ${inRef}`,
    );
    if (!kinds || asNumber(kinds.strs) + asNumber(kinds.nums) === 0) return [];
    kind = asNumber(kinds.strs) > 0 ? "categorical" : "numeric";
    referenceNumbers = asNumber(kinds.nums);
  }
  // Categorical rows as counts per hour, where the store keeps them (Dialect.categoricalRows).
  const rowsOf = dialect.categoricalRows?.bind(dialect);
  const counted =
    kind === "categorical" && rowsOf
      ? (from: number, to: number) => rowsOf(model, feature, scored, from, to, options)
      : undefined;
  let plan: BinPlan;
  if (kind === "numeric") {
    plan = numericPlan(
      await referenceDecileEdges(ctx, `SELECT * FROM (${src}) WHERE ${inRef}`, "num_value", referenceNumbers),
    );
  } else {
    const top = await query(
      counted
        ? `SELECT str_value AS v, SUM(c) AS cnt FROM (${counted(ref.from, ref.to)}) WHERE str_value IS NOT NULL
          GROUP BY str_value HAVING SUM(c) > 0 ORDER BY cnt DESC, v LIMIT ${MAX_CATEGORIES}`
        : `SELECT str_value AS v, COUNT(*) AS cnt FROM (${src}) WHERE ${inRef} AND str_value IS NOT NULL
          GROUP BY str_value ORDER BY cnt DESC, v LIMIT ${MAX_CATEGORIES}`,
    );
    plan = categoricalPlan(
      top.map((result) => asText(result.v)),
      (value) => dialect.text(value),
    );
  }
  const bin = plan.bin;
  // Categorical bins from the counts the store keeps per hour, where it keeps them; else from every row.
  const binCounts = counted
    ? await query(`SELECT w, b, SUM(c) AS cnt FROM (
          SELECT ${windowStart("time_ms", options.windowMs)} AS w, ${bin} AS b, c FROM (${counted(options.driftFromMs, options.toMs)}))
        GROUP BY w, b HAVING SUM(c) > 0 ORDER BY w, b`)
    : await dialect.counts(
        query,
        `SELECT ${windowStart("time_ms", options.windowMs)} AS w, ${bin} AS b FROM (${src})
       WHERE time_ms >= ${num(options.driftFromMs)} AND time_ms < ${num(options.toMs)}`,
        ["w", "b"],
      );
  const refCounts = referenceIsWindow(options, ref)
    ? null
    : await query(
        counted
          ? `SELECT ${bin} AS b, SUM(c) AS cnt FROM (${counted(ref.from, ref.to)}) GROUP BY b HAVING SUM(c) > 0`
          : `SELECT ${bin} AS b, COUNT(*) AS cnt FROM (${src}) WHERE ${inRef} GROUP BY b`,
      );
  return driftRowsOf(task, plan, binCounts, refCounts);
}
