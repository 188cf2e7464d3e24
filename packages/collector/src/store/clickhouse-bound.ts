import { type BoundParams, clickhouseParamType } from "./bound-params.js";
import { type ClickHouseConnection, ClickHouseError, sqlIdentifier } from "./clickhouse-http.js";

/**
 * A statement with its values as ClickHouse's external data: a multipart body holding the one-row
 * table `params` (JSONEachRow), the statement and the table's structure in the URL. Works on 18.16
 * for SELECT and INSERT ... SELECT.
 */
export async function clickhouseBound(
  conn: ClickHouseConnection,
  sql: string,
  params: BoundParams = {},
): Promise<Record<string, unknown>[]> {
  const search = new URLSearchParams();
  if (conn.user) search.set("user", conn.user);
  if (conn.password) search.set("password", conn.password);
  search.set("database", sqlIdentifier(conn.database));
  search.set("output_format_json_quote_64bit_integers", "0");
  const reads = /^\s*(SELECT|WITH)\b/i.test(sql);
  search.set("query", reads ? `${sql} FORMAT JSONEachRow` : sql);
  const names = Object.keys(params);
  const body = new FormData();
  if (names.length > 0) {
    search.set("params_structure", names.map((n) => `${n} ${clickhouseParamType(n, params[n]!)}`).join(", "));
    search.set("params_format", "JSONEachRow");
    const row = Object.fromEntries(
      names.map((n) => [n, typeof params[n] === "boolean" ? Number(params[n]) : params[n]]),
    );
    body.set("params", new Blob([`${JSON.stringify(row)}\n`]), "params.json");
  }
  const base = conn.url.replace(/\/+$/, "");
  let res: Response;
  try {
    res = await fetch(`${base}/?${search}`, {
      method: "POST",
      ...(names.length > 0 ? { body } : {}),
      signal: AbortSignal.timeout(conn.timeoutMs ?? 30_000),
    });
  } catch (cause) {
    throw new ClickHouseError(
      `ClickHouse at ${base} is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`,
      undefined,
      { cause },
    );
  }
  const text = await res.text();
  if (res.status !== 200) {
    throw new ClickHouseError(`ClickHouse answered HTTP ${res.status}: ${text.slice(0, 500).trim()}`, res.status);
  }
  if (!reads) return [];
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
