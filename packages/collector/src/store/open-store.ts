import { ConfigError, checkOption as need, showValue } from "@inferlog/core";
import { openClickHouseStore } from "./clickhouse-store.js";
import { sqliteFileOf } from "./sqlite-path.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./types.js";

export interface OpenStoreOptions {
  defaultOutcomeTtlSeconds?: number;
  /** SQLite only: see `SqliteStoreOptions.synchronous`. */
  synchronous?: "FULL" | "NORMAL";
}

/**
 * Opens a store from a URL-like string:
 * - `sqlite:./inferlog.db`, `sqlite:/abs/path.db`, `sqlite::memory:`
 * - `clickhouse://[user[:password]@]host:8123/database` (HTTP), `clickhouse+https://...` (HTTPS)
 */
/** The spec as errors may show it: a password in `user:password@` is never echoed into logs. */
const withoutPassword = (spec: string): string => spec.replace(/^([a-z+.-]*:\/\/[^/@:]*:).*@/i, "$1***@");

export async function openStore(spec: string, options: OpenStoreOptions = {}): Promise<Store> {
  need(typeof spec === "string" && spec.length > 0, "store", 'a string such as "sqlite:./inferlog.db"', spec);
  const ttl =
    options.defaultOutcomeTtlSeconds === undefined
      ? {}
      : { defaultOutcomeTtlSeconds: options.defaultOutcomeTtlSeconds };
  if (spec.startsWith("sqlite:")) {
    const path = sqliteFileOf(spec);
    if (path === undefined) {
      throw new ConfigError(`Expected a file after "sqlite:" in \`store\`, got \`${showValue(spec)}\``);
    }
    return openSqliteStore({ path, ...ttl, ...(options.synchronous ? { synchronous: options.synchronous } : {}) });
  }
  const ch = /^clickhouse(\+https?)?:\/\//.exec(spec);
  if (ch) {
    let url: URL;
    try {
      url = new URL(spec.replace(/^clickhouse(\+https?)?:/, ch[1] === "+https" ? "https:" : "http:"));
    } catch {
      throw new ConfigError(
        `Expected \`store\` to be a URL such as clickhouse://127.0.0.1:8123/inferlog, got \`${showValue(withoutPassword(spec))}\``,
      );
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "inferlog";
    return openClickHouseStore({
      url: `${url.protocol}//${url.host}`,
      database,
      ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...ttl,
    });
  }
  throw new ConfigError(
    `Expected \`store\` to start with "sqlite:" or "clickhouse://", got \`${showValue(withoutPassword(spec))}\` (for example sqlite:./inferlog.db)`,
  );
}
