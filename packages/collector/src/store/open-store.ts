import { ConfigError, checkOption as need, showValue } from "@inferlog/core";
import { openClickHouseStore } from "./clickhouse-store.js";
import type { GroupCommitOptions } from "./group-commit.js";
import { isOutOfSpace, isUnreachable, openWhenReachable, type WaitLogger } from "./pending-store.js";
import { sqliteFileOf } from "./sqlite-path.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./types.js";

export interface OpenStoreOptions {
  defaultOutcomeTtlSeconds?: number;
  /** SQLite only: see `SqliteStoreOptions.synchronous`. */
  synchronous?: "FULL" | "NORMAL";
  /** How concurrent batches are coalesced into one write (each store has its own defaults). */
  groupCommit?: GroupCommitOptions;
  /**
   * When ClickHouse does not answer, or the SQLite file cannot be written (a full disk), resolve anyway
   * with a store that fails every call (503 from the collector, so clients keep their events) until a
   * background retry opens it, instead of rejecting. Default false.
   */
  waitForStore?: boolean;
  /** Where waiting for the store is reported (default: console). */
  logger?: WaitLogger;
  /** ClickHouse only: the cluster to create the tables on (`ClickHouseStoreOptions.cluster`). */
  clickhouseCluster?: string;
}

/**
 * Opens a store from a URL-like string:
 * - `sqlite:./inferlog.db`, `sqlite:/abs/path.db`, `sqlite::memory:`
 * - `clickhouse://[user[:password]@]host:8123/database` (HTTP), `clickhouse+https://...` (HTTPS)
 */
/** The spec as errors may show it: a password in `user:password@` is never echoed into logs. */
export const withoutPassword = (spec: string): string => spec.replace(/^([a-z+.-]*:\/\/[^/@:]*:).*@/i, "$1***@");

export async function openStore(spec: string, options: OpenStoreOptions = {}): Promise<Store> {
  need(typeof spec === "string" && spec.length > 0, "store", 'a string such as "sqlite:./inferlog.db"', spec);
  const shared = {
    ...(options.defaultOutcomeTtlSeconds === undefined
      ? {}
      : { defaultOutcomeTtlSeconds: options.defaultOutcomeTtlSeconds }),
    ...(options.groupCommit === undefined ? {} : { groupCommit: options.groupCommit }),
  };
  if (spec.startsWith("sqlite:")) {
    const path = sqliteFileOf(spec);
    if (path === undefined) {
      throw new ConfigError(`Expected a file after "sqlite:" in \`store\`, got \`${showValue(spec)}\``);
    }
    const open = async () =>
      openSqliteStore({ path, ...shared, ...(options.synchronous ? { synchronous: options.synchronous } : {}) });
    if (!options.waitForStore) return open();
    const waitFor = {
      what: `the SQLite file ${path}`,
      until: "writable",
      kind: "sqlite",
      isTransient: isOutOfSpace,
    } as const;
    return openWhenReachable(waitFor, open, options.logger ?? console);
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
    const base = `${url.protocol}//${url.host}`;
    const open = () =>
      openClickHouseStore({
        url: base,
        database,
        ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        ...(options.clickhouseCluster === undefined ? {} : { cluster: options.clickhouseCluster }),
        ...shared,
      });
    if (!options.waitForStore) return open();
    const waitFor = {
      what: `ClickHouse at ${base}`,
      until: "reachable",
      kind: "clickhouse",
      isTransient: isUnreachable,
    } as const;
    return openWhenReachable(waitFor, open, options.logger ?? console);
  }
  throw new ConfigError(
    `Expected \`store\` to start with "sqlite:" or "clickhouse://", got \`${showValue(withoutPassword(spec))}\` (for example sqlite:./inferlog.db)`,
  );
}
