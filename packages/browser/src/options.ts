import type { ClientOptions } from "@inferlog/core";
import { ConfigError, showValue } from "@inferlog/core/lite";

export const DEFAULT_MAX_STORAGE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_DB_NAME = "inferlog";

export interface PersistenceOptions {
  /** IndexedDB database name (default `inferlog`); also names the Web Locks. */
  dbName?: string;
  /** Most bytes of events the SDK keeps on disk (default 5 MiB); beyond it events are counted, not stored. */
  maxBytes?: number;
}

export interface BrowserClientOptions extends Omit<ClientOptions, "transport" | "source"> {
  /** The collector's ingest URL: absolute http(s), or a path on the page's origin (`/v1/events`). */
  endpoint: string;
  /** CloudEvents `source` (default: the page's host). */
  source?: string;
  /** A public, ingest-only write key. Never put a secret key in a page. */
  writeKey?: string;
  /** Returns a short-lived token your backend minted for this user; used instead of `writeKey`. */
  getToken?: () => string | Promise<string>;
  headers?: Record<string, string>;
  /** Abort one attempt after this long (default 10 s). */
  requestTimeoutMs?: number;
  /** Defaults to the page's `fetch`. */
  fetch?: typeof fetch;
  /** Keep unsent events in IndexedDB across page loads (default on); `false` keeps them in memory only. */
  persistence?: false | PersistenceOptions;
}

/** Secret keys conventionally start like this; a page is public, so refusing them loudly is cheap insurance. */
const SECRET_KEY = /^(sk|secret)[_-]/i;

const show = showValue;

/** Checks the browser-only options; core checks the rest. */
export function checkBrowserOptions(o: BrowserClientOptions): void {
  if (o === null || typeof o !== "object")
    throw new ConfigError(`Expected options to be an object, got \`${show(o)}\``);
  if (typeof o.endpoint !== "string" || !/^(https?:\/\/|\/)/.test(o.endpoint)) {
    throw new ConfigError(
      `Expected \`endpoint\` to be an http(s) URL or a path starting with "/", got \`${show(o.endpoint)}\``,
    );
  }
  if (o.writeKey !== undefined) {
    if (typeof o.writeKey !== "string" || o.writeKey.length === 0)
      throw new ConfigError(`Expected \`writeKey\` to be a non-empty string, got \`${show(o.writeKey)}\``);
    if (SECRET_KEY.test(o.writeKey))
      throw new ConfigError(
        "Expected `writeKey` to be a public write key, got what looks like a secret key; never ship a secret key to the browser: mint a short-lived token on your backend and pass `getToken`",
      );
    if (o.getToken !== undefined) throw new ConfigError("Pass either `writeKey` or `getToken`, not both");
  }
  if (o.getToken !== undefined && typeof o.getToken !== "function")
    throw new ConfigError(`Expected \`getToken\` to be a function, got \`${show(o.getToken)}\``);
  const p = o.persistence;
  if (p !== undefined && p !== false) {
    if (typeof p !== "object" || p === null)
      throw new ConfigError(`Expected \`persistence\` to be false or an object, got \`${show(p)}\``);
    if (p.maxBytes !== undefined && (!Number.isInteger(p.maxBytes) || p.maxBytes < 1024))
      throw new ConfigError(`Expected \`persistence.maxBytes\` to be an integer >= 1024, got \`${show(p.maxBytes)}\``);
    if (p.dbName !== undefined && (typeof p.dbName !== "string" || p.dbName.length === 0))
      throw new ConfigError(`Expected \`persistence.dbName\` to be a non-empty string, got \`${show(p.dbName)}\``);
  }
}
