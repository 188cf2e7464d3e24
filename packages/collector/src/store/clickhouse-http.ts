import { setImmediate as nextTurn } from "node:timers/promises";
import { startSlices } from "../slices.js";
import { type BoundParams, type BoundValue, clickhouseParamType } from "./bound-params.js";
import { type ClickHouseAnswer, postToClickHouse } from "./clickhouse-post.js";

/** A form as the bytes and content type (with its boundary) a multipart request carries. */
async function multipart(form: FormData): Promise<{ body: Buffer[]; contentType: string }> {
  const encoded = new Response(form);
  const contentType = encoded.headers.get("content-type") ?? "multipart/form-data";
  return { body: [Buffer.from(await encoded.arrayBuffer())], contentType };
}

/**
 * A minimal ClickHouse HTTP client (the interface every version has, 18.16 included).
 * 18.16 has no server-side query parameters (`{name:Type}` with `param_name` came in 19.x; 18.16 answers
 * "Unknown setting param_x"), so every value reaches a query through `sqlString`, the one escaping function.
 *
 * Why not the official `@clickhouse/client` (1.23.1, tried against 18.16)? Its queries, inserts of
 * objects and of pre-serialized lines, DDL (ON CLUSTER too), settings, basic auth and gzip all work.
 * It cannot send bound values on 18.16, though. Its `query_params` fail ("Unknown setting param_x"),
 * and it has no way to send the multipart external data that `ClickHouseClient.read` uses instead. It also
 * does not parse 18.16's error format, so `code` and `type` come back undefined. Using it would mean
 * two HTTP paths.
 */
export interface ClickHouseConnection {
  /** Base URL such as `http://127.0.0.1:8123`. */
  url: string;
  database: string;
  user?: string;
  password?: string;
  /** Abort one request after this long (default 30 s). */
  timeoutMs?: number;
}

export class ClickHouseError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ClickHouseError";
    this.status = status;
  }
}

// Lone UTF-16 surrogates have no UTF-8 form: U+FFFD, as every UTF-8 encoder writes them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// What ClickHouse's quoted-string reader treats specially (backslash, quote) and every control character.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped.
const ESCAPED = /[\\'\x00-\x1f\x7f]/g;
const escapeChar = (char: string): string =>
  char === "\\" || char === "'" ? `\\${char}` : `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;

/**
 * A single-quoted ClickHouse string literal holding exactly `s`'s UTF-8 bytes: backslash and quote
 * backslash-escaped, NUL and every other control character as `\xHH` (ClickHouse reads each back as that
 * byte), lone surrogates as U+FFFD. Nothing in `s` can end the literal or the statement.
 */
export const sqlString = (text: string): string =>
  `'${text.replace(LONE_SURROGATE, "\uFFFD").replace(ESCAPED, escapeChar)}'`;

/** An identifier we generate or validate ourselves (database names): letters, digits, underscore. */
export function sqlIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`Expected the ClickHouse database name to match [A-Za-z_][A-Za-z0-9_]*, got \`${name}\``);
  }
  return name;
}

/** Lines joined a few thousand at a time, with a turn of the event loop in between. */
const LINES_PER_CHUNK = 2_000;

async function linesBody(lines: readonly string[]): Promise<string[]> {
  const chunks: string[] = [];
  for (let at = 0; at < lines.length; at += LINES_PER_CHUNK) {
    if (at > 0) await nextTurn();
    chunks.push(`${lines.slice(at, at + LINES_PER_CHUNK).join("\n")}\n`);
  }
  return chunks;
}

const STALE_SOCKET_ATTEMPTS = 3;
const STALE_SOCKET_CODES: ReadonlySet<string> = new Set(["EPIPE", "ECONNRESET"]);

const socketErrorCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "";
};

export class ClickHouseClient {
  readonly database: string;
  private readonly base: string;
  private readonly auth: string;
  private readonly timeoutMs: number;
  /** When ClickHouse last answered a request with 200 (ms since the epoch; -Infinity: never). */
  lastAnsweredMs = Number.NEGATIVE_INFINITY;

  constructor(conn: ClickHouseConnection) {
    this.database = sqlIdentifier(conn.database);
    this.base = conn.url.replace(/\/+$/, "");
    const params = new URLSearchParams();
    if (conn.user) params.set("user", conn.user);
    if (conn.password) params.set("password", conn.password);
    this.auth = params.toString();
    this.timeoutMs = conn.timeoutMs ?? 30_000;
  }

  /** Runs a statement; resolves with the response text once ClickHouse has answered 200. */
  async exec(
    sql: string,
    options: {
      /**
       * The data of an INSERT, as one string or the strings (or buffers) it is made of; or external
       * tables, as a multipart form.
       */
      body?: string | readonly (string | Buffer)[] | FormData;
      database?: boolean;
      settings?: Record<string, string>;
      /**
       * This request's timeout is at least this long, whatever the connection's: for a statement ClickHouse is told
       * to hold (an ON CLUSTER statement waits up to `distributed_ddl_task_timeout` for the other hosts).
       */
      timeoutAtLeastMs?: number;
    } = {},
  ): Promise<string> {
    const params = new URLSearchParams(this.auth);
    for (const [key, value] of Object.entries(options.settings ?? {})) params.set(key, value);
    if (options.database !== false) params.set("database", this.database);
    // With a body, the statement travels in the URL and the body is the data (INSERT ... FORMAT).
    if (options.body !== undefined) params.set("query", sql);
    const { body, contentType } =
      options.body instanceof FormData ? await multipart(options.body) : { body: options.body };
    let res: ClickHouseAnswer | undefined;
    for (let attempt = 1; !res; attempt++) {
      try {
        const timeoutMs = Math.max(this.timeoutMs, options.timeoutAtLeastMs ?? 0);
        res = await postToClickHouse(`${this.base}/?${params}`, body ?? sql, timeoutMs, contentType);
      } catch (cause) {
        // A kept-alive socket that ClickHouse has just closed (its keep_alive_timeout, 3 s) fails
        // the write before ClickHouse read the statement: send it again
        // on another socket. Repeating an insert is safe (repeated rows collapse on merge).
        if (attempt < STALE_SOCKET_ATTEMPTS && STALE_SOCKET_CODES.has(socketErrorCode(cause))) continue;
        throw new ClickHouseError(
          `ClickHouse at ${this.base} is unreachable: ${cause instanceof Error ? cause.message : String(cause)}${socketErrorCode(cause) ? ` (${socketErrorCode(cause)})` : ""}`,
          undefined,
          { cause },
        );
      }
    }
    if (res.status !== 200) {
      throw new ClickHouseError(`ClickHouse answered HTTP ${res.status}: ${res.text.slice(0, 500).trim()}`, res.status);
    }
    this.lastAnsweredMs = Date.now();
    return res.text;
  }

  /** A SELECT answered as objects; 64-bit integers (sent quoted by ClickHouse) come back as numbers. */
  rows<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
    return this.read(sql) as Promise<T[]>;
  }

  /**
   * One statement with bound values, answered as objects (none for a statement that returns no rows). 18.16
   * has no query parameters: the values travel as the one-row external table `params` beside the statement
   * (`(SELECT name FROM params)`, or `INSERT ... SELECT ... FROM params`), so no value is ever part of the SQL
   * text. `settings` go with the request (such as a `session_id`, whose TEMPORARY tables outlive a statement).
   */
  async read(
    sql: string,
    params: BoundParams = {},
    settings: Record<string, string> = {},
  ): Promise<Record<string, unknown>[]> {
    const reads = /^\s*(SELECT|WITH)\b/i.test(sql);
    const statement = reads ? `${sql} FORMAT JSONEachRow` : sql;
    const names = Object.keys(params);
    let text: string;
    if (names.length === 0) {
      text = await this.exec(statement, { settings: { ...settings, output_format_json_quote_64bit_integers: "0" } });
    } else {
      const row = Object.fromEntries(
        names.map((name) => [name, typeof params[name] === "boolean" ? Number(params[name]) : params[name]]),
      );
      const body = new FormData();
      body.set("params", new Blob([`${JSON.stringify(row)}\n`]), "params.json");
      text = await this.exec(statement, {
        body,
        settings: {
          ...settings,
          output_format_json_quote_64bit_integers: "0",
          params_structure: names
            .map((name) => `${name} ${clickhouseParamType(name, params[name] as BoundValue)}`)
            .join(", "),
          params_format: "JSONEachRow",
        },
      });
    }
    if (!reads) return [];
    return text
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /**
   * A SELECT that reads the external table `table.name` (its rows in RowBinary, for `table.structure` such as
   * `id String`), answered as objects: any number of values, none of them in the SQL text.
   */
  async selectWithTable<T extends Record<string, unknown>>(
    sql: string,
    table: { name: string; structure: string; rowBinary: readonly Buffer[] },
  ): Promise<T[]> {
    const body = new FormData();
    body.set(table.name, new Blob(table.rowBinary.map((chunk) => new Uint8Array(chunk))), `${table.name}.bin`);
    const text = await this.exec(`${sql} FORMAT JSONEachRow`, {
      body,
      settings: {
        output_format_json_quote_64bit_integers: "0",
        [`${table.name}_structure`]: table.structure,
        [`${table.name}_format`]: "RowBinary",
      },
    });
    return text
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as T);
  }

  /** Serializes in slices (a group can hold 100,000 rows): other requests are served in between. */
  async insert(table: string, rows: readonly object[]): Promise<void> {
    const lines = new Array<string>(rows.length);
    const slices = startSlices();
    for (let index = 0; index < rows.length; index++) {
      lines[index] = JSON.stringify(rows[index]);
      if (slices.due()) await slices.pause();
    }
    await this.insertLines(table, lines);
  }

  /** Rows already encoded as RowBinary, for `columns` in that order. */
  async insertRowBinary(table: string, columns: readonly string[], chunks: readonly Buffer[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.exec(`INSERT INTO ${this.database}.${table} (${columns.join(", ")}) FORMAT RowBinary`, { body: chunks });
  }

  /** Rows already serialized, one JSON object per line. */
  async insertLines(table: string, lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.exec(`INSERT INTO ${this.database}.${table} FORMAT JSONEachRow`, { body: await linesBody(lines) });
  }
}
