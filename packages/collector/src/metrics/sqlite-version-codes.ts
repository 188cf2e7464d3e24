import type { Dialect } from "./dialect.js";
import { compareGroups } from "./dialect-sqlite.js";
import type { VersionRow } from "./types.js";

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

const CODE = "inferlog_mv";
const VALUE = "inferlog_x";
/** The version of exposures whose prediction has not arrived (`Dialect.exposed`). */
const UNKNOWN_VERSION = "(unknown)";

/**
 * SQLite: `base` with its hash-grouping aggregates (`counts`, `quantiles`, JavaScript called once per row) taking a
 * model version as one small integer instead of two texts, when the first two group columns are model_name and
 * model_version: every text argument becomes a new JavaScript string on every row, which on the 1.5M shown
 * candidates of the 2M-event bench file was a quarter of the item-age section. The versions the report lists
 * (`versions`, and each model's "(unknown)") get codes 0, 1, ...; should a row of any other pair turn up (code -1),
 * the aggregate runs again as `base` runs it. The result rows are `base`'s: the pairs read back, in the groups' order.
 */
export function withVersionCodes(base: Dialect, versions: readonly VersionRow[]): Dialect {
  const listed = versions.flatMap((row) => [
    [row.model, row.version],
    [row.model, UNKNOWN_VERSION],
  ]);
  const pairs = [...new Map(listed.map((pair) => [JSON.stringify(pair), pair])).values()];
  if (pairs.length === 0) return base;
  const code = `CASE ${pairs
    .map(
      ([model, version], index) =>
        `WHEN model_name = ${base.text(model as string)} AND model_version = ${base.text(version as string)} THEN ${index}`,
    )
    .join(" ")} ELSE -1 END`;
  const coded = (groups: string[]) => groups[0] === "model_name" && groups[1] === "model_version";
  /** `source` with the code in place of the pair (and `value`, if any, as a column). */
  const recoded = (source: string, groups: string[], value?: string) => {
    const rest = groups.slice(2);
    const columns = [`${code} AS ${CODE}`, ...rest, ...(value === undefined ? [] : [`${value} AS ${VALUE}`])];
    return { source: `SELECT ${columns.join(", ")} FROM (${source})`, groups: [CODE, ...rest] };
  };
  /** The rows with their pairs read back, or null when a row's pair had no code. */
  const readBack = (rows: Record<string, unknown>[], groups: string[]) => {
    const out: Record<string, unknown>[] = [];
    for (const { [CODE]: index, ...rest } of rows) {
      const pair = typeof index === "number" ? pairs[index] : undefined;
      if (!pair) return null;
      out.push({ model_name: pair[0], model_version: pair[1], ...rest });
    }
    return out.sort((left, right) => compareGroups(left, right, groups));
  };
  return {
    ...base,
    async counts(query: Query, source: string, groups: string[]) {
      if (!coded(groups)) return base.counts(query, source, groups);
      const inner = recoded(source, groups);
      return (
        readBack(await base.counts(query, inner.source, inner.groups), groups) ?? base.counts(query, source, groups)
      );
    },
    async quantiles(query: Query, source: string, groups: string[], value: string, qs: number[]) {
      if (!coded(groups)) return base.quantiles(query, source, groups, value, qs);
      const inner = recoded(source, groups, value);
      return (
        readBack(await base.quantiles(query, inner.source, inner.groups, VALUE, qs), groups) ??
        base.quantiles(query, source, groups, value, qs)
      );
    },
  };
}
