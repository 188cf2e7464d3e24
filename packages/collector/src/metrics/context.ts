import type { ReadRows } from "../store/bound-params.js";
import type { Dialect } from "./dialect.js";
import { clickhouseDialect } from "./dialect-clickhouse.js";
import { sqliteDialect } from "./dialect-sqlite.js";
import { firstSeen } from "./freshness.js";
import type { ResolvedReportOptions } from "./options.js";
import type { MetricsContext } from "./run.js";
import { SqliteParams } from "./sqlite-params.js";

/** Runs one statement in a store with its bound values (bound-params.ts). */
export type { ReadRows } from "../store/bound-params.js";

/**
 * The dialect of a store kind and a query function that binds its values. On SQLite each context has its
 * own parameter set, so a report's relations (built once, read by many queries) share placeholders.
 */
export function dialectFor(
  kind: "sqlite" | "clickhouse",
  readRows: ReadRows,
): Pick<MetricsContext, "dialect" | "query"> {
  if (kind === "clickhouse") return { dialect: clickhouseDialect, query: (sql) => readRows(sql) };
  const params = new SqliteParams();
  const dialect: Dialect = sqliteDialect(params);
  return { dialect, query: (sql) => readRows(sql, params.values) };
}

/** A metrics context: the dialect, its query function, and the report's base relations. */
export function metricsContext(
  kind: "sqlite" | "clickhouse",
  options: ResolvedReportOptions,
  readRows: ReadRows,
): MetricsContext {
  const { dialect, query } = dialectFor(kind, readRows);
  const scored = dialect.scored(options);
  return {
    dialect: dialect,
    options: options,
    query: query,
    scored,
    exposed: dialect.exposed(options),
    business: dialect.businessRows(scored),
    firstSeen: firstSeen(dialect),
    shown: dialect.shownCandidates(options, scored),
  };
}
