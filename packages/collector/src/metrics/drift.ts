import { referenceDecileEdges } from "./decile-edges.js";
import { PREDICTED_LABEL, TRUE_LABEL } from "./dialect.js";
import { jsDistance, psi, psiFlag } from "./divergence.js";
import type { MetricsContext } from "./run.js";
import { iso, n, s } from "./run.js";
import { num, windowStart } from "./sql-common.js";
import type { DriftRow } from "./types.js";

/** Categorical features keep their most frequent reference values; the rest fall in "(other)". */
export const MAX_CATEGORIES = 20;

const MISSING_BIN = "(missing)";
const OTHER_BIN = "(other)";

/** Edges as short text: the fewest significant digits (3 or more) that keep distinct edges distinct. */
export function edgeTexts(edges: readonly number[]): string[] {
  for (let digits = 3; digits < 17; digits++) {
    const texts = edges.map((e) => String(Number(e.toPrecision(digits))));
    if (new Set(texts).size === edges.length) return texts;
  }
  return edges.map(String);
}

/** The names of the numeric bins among `edges`, low to high: bin i holds values in (edges[i − 1], edges[i]]. */
export function numericBinLabels(edges: readonly number[]): string[] {
  if (edges.length === 0) return ["all"];
  const texts = edgeTexts(edges);
  return Array.from({ length: edges.length + 1 }, (_, i) =>
    i === 0 ? `≤ ${texts[0]}` : i === edges.length ? `> ${texts[i - 1]}` : `(${texts[i - 1]}, ${texts[i]}]`,
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
  const { d, o, q } = ctx;
  const names = await q(d.featureNames(o));
  const models = await q(
    `SELECT DISTINCT model_name FROM predictions
     ${o.model === undefined ? "" : `WHERE model_name = ${d.text(o.model)}`} ORDER BY model_name`,
  );
  const features = new Map<string, string[]>();
  for (const m of models) features.set(s(m.model_name), [PREDICTED_LABEL, TRUE_LABEL]);
  for (const r of names) features.set(s(r.model_name), [...(features.get(s(r.model_name)) ?? []), s(r.name)]);

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
  for (const t of tasks) out.push(await featureDrift(ctx, t));
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
  { d, o, q }: MetricsContext,
  model: string,
): Promise<{ from: number; to: number } | null> {
  if (o.referenceFromMs !== undefined && o.referenceToMs !== undefined) {
    return { from: o.referenceFromMs, to: o.referenceToMs };
  }
  const [r] = await q(
    `SELECT MIN(time_ms) AS t, COUNT(*) AS cnt FROM predictions
     WHERE model_name = ${d.text(model)} AND time_ms >= ${num(o.fromMs)} AND time_ms < ${num(o.toMs)}`,
  );
  if (!r || n(r.cnt) === 0) return null;
  const t = n(r.t);
  const start = t - ((t - (o.window === "week" ? 4 * 86_400_000 : 0)) % o.windowMs);
  return { from: start, to: start + o.windowMs };
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
    names: (code) => (n(code) === 99 ? MISSING_BIN : (labels[n(code)] as string)),
    binOrder: [...labels, MISSING_BIN],
  };
}

/** Categorical bins are counted as integer codes (cheaper to group than text) and named after counting. */
export function categoricalPlan(values: readonly string[], text: (value: string) => string): BinPlan {
  const whens = values.map((v, i) => `WHEN str_value = ${text(v)} THEN ${i + 1}`).join(" ");
  return {
    kind: "categorical",
    bin: `CASE WHEN str_value IS NULL THEN 0 ${whens} ELSE ${values.length + 1} END`,
    names: (code) => (n(code) === 0 ? MISSING_BIN : (values[n(code) - 1] ?? OTHER_BIN)),
    binOrder: [...values, OTHER_BIN, MISSING_BIN],
  };
}

/** The default reference is the first report window, whose counts are already among the window counts. */
export const referenceIsWindow = (o: MetricsContext["o"], ref: { from: number; to: number }): boolean =>
  o.referenceFromMs === undefined && ref.from >= o.fromMs && ref.to <= o.toMs;

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
    rows.map((r) => ({ ...r, b: plan.names(r.b) }));
  const winCounts = named(windowCounts);
  const refCounts = referenceCounts === null ? winCounts.filter((r) => n(r.w) === ref.from) : named(referenceCounts);
  // Counts add up per bin name: a category literally named "(other)" shares the "(other)" bin.
  const expected = new Map<string, number>();
  for (const r of refCounts) expected.set(s(r.b), (expected.get(s(r.b)) ?? 0) + n(r.cnt));
  if (expected.size === 0) return [];
  const referenceN = [...expected.values()].reduce((a, b) => a + b, 0);
  const windows = new Map<number, Map<string, number>>();
  for (const r of winCounts) {
    const w = n(r.w);
    const m = windows.get(w) ?? new Map<string, number>();
    m.set(s(r.b), (m.get(s(r.b)) ?? 0) + n(r.cnt));
    windows.set(w, m);
  }
  return [...windows].map(([w, actual]) => {
    const v = psi(expected, actual);
    const windowN = [...actual.values()].reduce((a, b) => a + b, 0);
    return {
      model,
      feature,
      kind: plan.kind,
      windowStart: iso(w),
      referenceStart: iso(ref.from),
      n: windowN,
      referenceN,
      psi: v,
      js: jsDistance(expected, actual),
      flag: psiFlag(v),
      bins: plan.binOrder.flatMap((b) =>
        expected.has(b) || actual.has(b)
          ? [{ bin: b, referenceShare: (expected.get(b) ?? 0) / referenceN, share: (actual.get(b) ?? 0) / windowN }]
          : [],
      ),
    };
  });
}

async function featureDrift(ctx: MetricsContext, task: DriftTask): Promise<DriftRow[]> {
  const { model, feature, reference: ref } = task;
  const { d, o, q, scored } = ctx;
  const src = d.driftRows(model, feature, scored);
  const inRef = `time_ms >= ${num(ref.from)} AND time_ms < ${num(ref.to)}`;
  let kind: DriftRow["kind"] = "categorical";
  let referenceNumbers = 0;
  if (feature !== PREDICTED_LABEL && feature !== TRUE_LABEL) {
    const [kinds] = await q(`SELECT COUNT(str_value) AS strs, COUNT(num_value) AS nums FROM (${src}) WHERE ${inRef}`);
    if (!kinds || n(kinds.strs) + n(kinds.nums) === 0) return [];
    kind = n(kinds.strs) > 0 ? "categorical" : "numeric";
    referenceNumbers = n(kinds.nums);
  }
  // Categorical rows as counts per hour, where the store keeps them (Dialect.categoricalRows).
  const rowsOf = d.categoricalRows?.bind(d);
  const counted =
    kind === "categorical" && rowsOf
      ? (from: number, to: number) => rowsOf(model, feature, scored, from, to, o)
      : undefined;
  let plan: BinPlan;
  if (kind === "numeric") {
    plan = numericPlan(
      await referenceDecileEdges(ctx, `SELECT * FROM (${src}) WHERE ${inRef}`, "num_value", referenceNumbers),
    );
  } else {
    const top = await q(
      counted
        ? `SELECT str_value AS v, SUM(c) AS cnt FROM (${counted(ref.from, ref.to)}) WHERE str_value IS NOT NULL
          GROUP BY str_value HAVING SUM(c) > 0 ORDER BY cnt DESC, v LIMIT ${MAX_CATEGORIES}`
        : `SELECT str_value AS v, COUNT(*) AS cnt FROM (${src}) WHERE ${inRef} AND str_value IS NOT NULL
          GROUP BY str_value ORDER BY cnt DESC, v LIMIT ${MAX_CATEGORIES}`,
    );
    plan = categoricalPlan(
      top.map((r) => s(r.v)),
      (v) => d.text(v),
    );
  }
  const bin = plan.bin;
  // Categorical bins from the counts the store keeps per hour, where it keeps them; else from every row.
  const binCounts = counted
    ? await q(`SELECT w, b, SUM(c) AS cnt FROM (
          SELECT ${windowStart("time_ms", o.windowMs)} AS w, ${bin} AS b, c FROM (${counted(o.fromMs, o.toMs)}))
        GROUP BY w, b HAVING SUM(c) > 0 ORDER BY w, b`)
    : await d.counts(
        q,
        `SELECT ${windowStart("time_ms", o.windowMs)} AS w, ${bin} AS b FROM (${src})
       WHERE time_ms >= ${num(o.fromMs)} AND time_ms < ${num(o.toMs)}`,
        ["w", "b"],
      );
  const refCounts = referenceIsWindow(o, ref)
    ? null
    : await q(
        counted
          ? `SELECT ${bin} AS b, SUM(c) AS cnt FROM (${counted(ref.from, ref.to)}) GROUP BY b HAVING SUM(c) > 0`
          : `SELECT ${bin} AS b, COUNT(*) AS cnt FROM (${src}) WHERE ${inRef} GROUP BY b`,
      );
  return driftRowsOf(task, plan, binCounts, refCounts);
}
