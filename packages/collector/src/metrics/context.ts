import type { ReadRows } from "../store/bound-params.js";
import type { Dialect } from "./dialect.js";
import { clickhouseDialect, clickhouseEngaged } from "./dialect-clickhouse.js";
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
export function dialectFor(kind: "sqlite" | "clickhouse", readRows: ReadRows): Pick<MetricsContext, "d" | "q"> {
  if (kind === "clickhouse") return { d: clickhouseDialect, q: (sql) => readRows(sql) };
  const params = new SqliteParams();
  const d: Dialect = sqliteDialect(params);
  return { d, q: (sql) => readRows(sql, params.values) };
}

/** A metrics context: the dialect, its query function, and the report's base relations. */
export function metricsContext(
  kind: "sqlite" | "clickhouse",
  o: ResolvedReportOptions,
  readRows: ReadRows,
): MetricsContext {
  const { d, q } = dialectFor(kind, readRows);
  const scored = d.scored(o);
  return {
    d,
    o,
    q,
    scored,
    exposed: d.exposed(o),
    business: d.businessRows(scored),
    firstSeen: firstSeen(d),
    shown: d.shownCandidates(o),
    engaged: kind === "clickhouse" ? clickhouseEngaged(o) : "",
  };
}
