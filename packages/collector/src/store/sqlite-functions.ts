import type Database from "better-sqlite3";

/**
 * SQLite has no quantile aggregate (ClickHouse has quantilesExact), and its GROUP BY sorts every
 * row: on a million candidates that sort was most of a report. The store registers two aggregates
 * that group in a hash map instead (group columns last; a Map tells 1 from '1', as SQL does):
 *
 *   inferlog_counts(g1, ..., gn): JSON [[g1, ..., gn, count], ...], the rows per group.
 *
 *   inferlog_quantiles(levels, x, g1, ..., gn)
 * with `levels` a JSON array of quantile levels, `x` a number (NULLs skipped) and the group
 * columns after it. It groups in a hash map, sorts each group's numbers and returns JSON
 * [[g1, ..., gn, q0, q1, ..., n, total], ...] in no particular order, where qi is the value at sorted
 * position floor(levels[i] · n) (0-based) and total the sum, added in ascending order as SQLite's SUM
 * adds (Kahan-Babuska-Neumaier), so it equals SUM over the sorted values.
 */
export const QUANTILES_FN = "inferlog_quantiles";
export const COUNTS_FN = "inferlog_counts";
/** inferlog_first_rank(top_ids, relevant_ids, label): `firstRank` of the JSON texts, for filling older files. */
export const FIRST_RANK_FN = "inferlog_first_rank";

/**
 * The 1-based position in `topIds` of the first relevant id, 0 when none is (or nothing is labeled): relevant =
 * in `relevantIds`, or equal to `label` when that list is empty. The writer keeps it per prediction row.
 */
export function firstRank(topIds: readonly unknown[], relevantIds: readonly unknown[], label: unknown): number {
  if (relevantIds.length === 0) return label === null || label === undefined ? 0 : topIds.indexOf(label) + 1;
  if (relevantIds.length === 1) return topIds.indexOf(relevantIds[0]) + 1;
  const set = new Set(relevantIds);
  return topIds.findIndex((id) => set.has(id)) + 1;
}

interface Group {
  keys: unknown[];
  xs: number[];
  n: number;
}
/** Groups by their key values, one Map level per group column. */
type Tree = Map<unknown, Tree | Group>;
interface State {
  levels: number[] | null;
  tree: Tree;
  groups: Group[];
  /** The group of the previous row: rows come in runs of one group (a scan in time order), which skip the Map walk. */
  last: Group | null;
}
const start = (): State => ({ levels: null, tree: new Map(), groups: [], last: null });

/** The group of the key values args[from..]: the previous row's when they are the same values (=== like Map keys). */
function groupAt(state: State, args: unknown[], from: number): Group {
  const last = state.last;
  if (last !== null && last.keys.length === args.length - from) {
    let same = true;
    for (let index = from; index < args.length; index++) {
      if (args[index] !== last.keys[index - from]) {
        same = false;
        break;
      }
    }
    if (same) return last;
  }
  const group = groupOf(state, args.slice(from));
  state.last = group;
  return group;
}

function groupOf(state: State, keys: unknown[]): Group {
  let node = state.tree;
  for (let index = 0; index < keys.length - 1; index++) {
    let next = node.get(keys[index]) as Tree | undefined;
    if (!next) {
      next = new Map();
      node.set(keys[index], next);
    }
    node = next;
  }
  const last = keys.length === 0 ? null : keys[keys.length - 1];
  let group = node.get(last) as Group | undefined;
  if (!group) {
    group = { keys, xs: [], n: 0 };
    node.set(last, group);
    state.groups.push(group);
  }
  return group;
}

export function registerSqliteFunctions(db: Database.Database): void {
  db.function(FIRST_RANK_FN, { deterministic: true }, (top: unknown, rel: unknown, label: unknown) =>
    firstRank(jsonArray(top), jsonArray(rel), label),
  );
  db.aggregate<State>(QUANTILES_FN, {
    varargs: true,
    start,
    step(state: State, ...args: unknown[]) {
      const item = args[1];
      if (item === null || item === undefined) return;
      const value = typeof item === "bigint" ? Number(item) : item;
      if (typeof value !== "number") throw new TypeError(`${QUANTILES_FN} takes numbers, got ${typeof item}`);
      state.levels ??= parseLevels(args[0]);
      groupAt(state, args, 2).xs.push(value);
    },
    result(state: State) {
      const out: unknown[][] = [];
      for (const { keys, xs } of state.groups) {
        const sorted = Float64Array.from(xs).sort();
        const count = sorted.length;
        const qs = (state.levels ?? []).map((quantile) => sorted[Math.trunc(quantile * count)] ?? null);
        out.push([...keys, ...qs, count, sumLikeSqlite(sorted)]);
      }
      return JSON.stringify(out);
    },
  });
  db.aggregate<State>(COUNTS_FN, {
    varargs: true,
    start,
    step(state: State, ...keys: unknown[]) {
      groupAt(state, keys, 0).n++;
    },
    result: (state: State) => JSON.stringify(state.groups.map((group) => [...group.keys, group.n])),
  });
}

function jsonArray(value: unknown): unknown[] {
  const left: unknown = typeof value === "string" ? JSON.parse(value) : null;
  return Array.isArray(left) ? left : [];
}

function parseLevels(value: unknown): number[] {
  const levels: unknown = typeof value === "string" ? JSON.parse(value) : null;
  if (!Array.isArray(levels) || !levels.every((level) => typeof level === "number" && level >= 0 && level < 1)) {
    throw new TypeError(`${QUANTILES_FN} takes a JSON array of levels in [0, 1), got ${String(value)}`);
  }
  return levels;
}

/** SQLite's SUM over doubles: Kahan-Babuska-Neumaier compensated summation. */
function sumLikeSqlite(xs: Float64Array): number {
  let sum = 0;
  let err = 0;
  for (const rate of xs) {
    const time = sum + rate;
    if (Math.abs(sum) > Math.abs(rate)) err += sum - time + rate;
    else err += rate - time + sum;
    sum = time;
  }
  return Number.isFinite(err) ? sum + err : sum;
}
