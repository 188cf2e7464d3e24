import type { ClientOptions } from "@inferlog/core";
import { ConfigError, checkOption as need } from "@inferlog/core/lite";

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

/** Checks the browser-only options; core checks the rest. */
export function checkBrowserOptions(options: BrowserClientOptions): void {
  need(options !== null && typeof options === "object", "options", "an object", options);
  const { endpoint, writeKey, getToken, persistence: part } = options;
  need(
    typeof endpoint === "string" && /^(https?:\/\/|\/)/.test(endpoint),
    "endpoint",
    'an http(s) URL or a path starting with "/"',
    endpoint,
  );
  if (writeKey !== undefined) {
    need(typeof writeKey === "string" && writeKey, "writeKey", "a non-empty string", writeKey);
    // Never echo what looks like a secret.
    if (SECRET_KEY.test(writeKey))
      throw new ConfigError(
        "Expected `writeKey` to be a public write key, got what looks like a secret key: mint a short-lived token on your backend and pass `getToken`",
      );
    if (getToken !== undefined) throw new ConfigError("Pass either `writeKey` or `getToken`, not both");
  }
  need(getToken === undefined || typeof getToken === "function", "getToken", "a function", getToken);
  if (part === undefined || part === false) return;
  need(part !== null && typeof part === "object", "persistence", "false or an object", part);
  need(
    part.maxBytes === undefined || (Number.isInteger(part.maxBytes) && part.maxBytes >= 1024),
    "persistence.maxBytes",
    "an integer >= 1024",
    part.maxBytes,
  );
  need(
    part.dbName === undefined || (typeof part.dbName === "string" && part.dbName),
    "persistence.dbName",
    "a non-empty string",
    part.dbName,
  );
}
