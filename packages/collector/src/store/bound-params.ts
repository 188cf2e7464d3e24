/** Values a bound query takes: each is named in the SQL (`@name` in SQLite, `params.name` in ClickHouse). */
export type BoundValue = string | number | boolean;
export type BoundParams = Readonly<Record<string, BoundValue>>;

/**
 * Runs one statement with bound parameters and answers its rows (none for statements that return
 * none). SQLite binds `@name`; ClickHouse 18.16 has no server-side parameters, so the values travel as
 * the one-row external table `params` beside the query (`(SELECT name FROM params)`, or
 * `INSERT ... SELECT ... FROM params`): no value is ever part of the SQL text.
 */
export type ReadRows = (sql: string, params?: BoundParams) => Promise<Record<string, unknown>[]>;

/** The ClickHouse type a bound value travels as. */
export function clickhouseParamType(name: string, value: BoundValue): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`Expected a parameter name like from_ms, got \`${name}\``);
  if (typeof value === "string") return "String";
  if (typeof value === "boolean") return "UInt8";
  if (!Number.isFinite(value)) throw new Error(`Expected parameter \`${name}\` to be a finite number, got ${value}`);
  return Number.isSafeInteger(value) ? "Int64" : "Float64";
}

/** SQLite binds numbers and text; booleans become 1 and 0. */
export const sqliteParams = (params: BoundParams): Record<string, string | number> =>
  Object.fromEntries(
    Object.entries(params).map(([key, boundValue]) => [
      key,
      typeof boundValue === "boolean" ? Number(boundValue) : boundValue,
    ]),
  );
