import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { formatIssue } from "@inferlog/core";
import * as z from "zod/mini";

const originString = z.string().check(
  z.refine((text) => /^https?:\/\/[^/\s]+$/.test(text), {
    message: "must be an origin like https://app.example (no path)",
  }),
);
const keyString = z.string().check(z.minLength(16), z.maxLength(256), z.regex(/^[\x21-\x7e]+$/));

export const authConfigSchema = z.object({
  keys: z.array(
    z.union([
      z.object({ key: keyString, kind: z.literal("server"), name: z.optional(z.string()) }),
      z.object({
        key: keyString,
        kind: z.literal("browser"),
        origins: z.array(originString).check(z.minLength(1)),
        name: z.optional(z.string()),
      }),
      /** Reads reports (`/v1/report`, `/report`, `/v1/alerts`); cannot write. Only in the Authorization header. */
      z.object({ key: keyString, kind: z.literal("read"), name: z.optional(z.string()) }),
    ]),
  ),
  /** Keys refused even if still listed under `keys`: revoke by adding here (and reloading). */
  revoked: z.optional(z.array(z.string())),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;
type KeyEntry = AuthConfig["keys"][number];

/**
 * A key as configuration errors may show it: its length kept (so "too short" still reads right), at most its
 * first 6 characters (and never more than a third of it), the rest as `*`.
 */
export const hideKey = (key: string): string => {
  const shown = Math.min(6, Math.floor(key.length / 3));
  return key.slice(0, shown) + "*".repeat(key.length - shown);
};

/** Every string in `value`, however deep, hidden as `hideKey` does (objects and arrays keep their shape). */
const hideStrings = (value: unknown): unknown => {
  if (typeof value === "string") return hideKey(value);
  if (Array.isArray(value)) return value.map(hideStrings);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, hideStrings(item)]));
  return value;
};

/**
 * The config with every key and revoked entry hidden, so messages about it cannot print a key. A key entry
 * shaped as documented keeps its `kind`, `origins` and `name` readable; anything else under `keys` (a key
 * written as a bare string, a map) and all of `revoked`, whatever its shape, has every string hidden.
 */
function hiddenKeys(input: unknown): unknown {
  if (input === null || typeof input !== "object") return input;
  const config = input as { keys?: unknown; revoked?: unknown };
  const hideEntry = (entry: unknown) =>
    entry !== null && typeof entry === "object" && !Array.isArray(entry)
      ? { ...entry, key: hideStrings((entry as { key?: unknown }).key) }
      : hideStrings(entry);
  return {
    ...config,
    keys: Array.isArray(config.keys) ? config.keys.map(hideEntry) : hideStrings(config.keys),
    revoked: hideStrings(config.revoked),
  };
}

/** Validates an auth config with messages that name the field, e.g. `keys[1].origins[0]`; no message shows a key. */
export function parseAuthConfig(input: unknown): AuthConfig {
  const row = z.safeParse(authConfigSchema, input);
  if (row.success) {
    const seen = new Set<string>();
    for (const entry of row.data.keys) {
      if (seen.has(entry.key)) throw new Error(`Invalid auth config: the key ${mask(entry.key)} is listed twice`);
      seen.add(entry.key);
    }
    return row.data;
  }
  const issue = row.error.issues[0] as z.core.$ZodIssue;
  const hint =
    issue.path[0] === "keys" && issue.path.length === 2
      ? ' (each key needs `key`, `kind` "server", "browser" or "read", and `origins` for browser keys; keys are 16+ printable characters)'
      : "";
  throw new Error(`Invalid auth config: ${formatIssue(issue, hiddenKeys(input))}${hint}`);
}

export const mask = (key: string) => `${key.slice(0, 6)}…`;

const sameKey = (text: string, right: string) => {
  const item = Buffer.from(text);
  const second = Buffer.from(right);
  return item.length === second.length && timingSafeEqual(item, second);
};

/** A write decision; a refusal still names the CORS origin when the page's origin is one this collector serves. */
export type AuthDecision =
  | { ok: true; corsOrigin: string | undefined }
  | { ok: false; status: 401 | 403; message: string; corsOrigin?: string };

export type ReadDecision = { ok: true } | { ok: false; status: 401 | 403; message: string };

/** A loopback IP address (127.0.0.0/8, ::1, IPv4-mapped 127.x); host names are never trusted as loopback. */
export const isLoopbackAddress = (addr: string | undefined): boolean => {
  if (!addr || isIP(addr) === 0) return false;
  return /^127\./.test(addr) || addr === "::1" || /^::ffff:127\./i.test(addr);
};

/** Local pages (any port) may call a keyless loopback collector; other sites may not. */
const isLocalOrigin = (origin: string) => /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(origin);

/**
 * Where a key came from: server and read keys count only in the Authorization header (URLs end up in logs);
 * `basic` (the key as an HTTP Basic password, what a browser asks for on /report) only for reading.
 */
export type KeySource = "authorization" | "basic" | "x-inferlog-key" | "query";

export interface RequestCredentials {
  key: string | undefined;
  /** Where `key` came from (default: the Authorization header). */
  keySource?: KeySource;
  origin: string | undefined;
  /** The client's address: the peer's, or with `trustProxy` the one the proxy saw; undefined when unknown. */
  remoteAddress: string | undefined;
}

const WHERE: Record<KeySource, string> = {
  authorization: "the Authorization header",
  basic: "HTTP Basic credentials",
  "x-inferlog-key": "the X-Inferlog-Key header",
  query: "the URL (`?key=`)",
};

/** Who may write and who may read. Holds the parsed config; `update` swaps it atomically (SIGHUP reload). */
export class Auth {
  private config: AuthConfig | undefined;
  constructor(config: AuthConfig | undefined) {
    this.config = config && config.keys.length > 0 ? config : undefined;
  }
  /** True when writes need a key (some server or browser key is configured). */
  get hasKeys(): boolean {
    return this.config?.keys.some((key) => key.kind !== "read") ?? false;
  }
  /** True when reports need a read key. */
  get hasReadKeys(): boolean {
    return this.config?.keys.some((key) => key.kind === "read") ?? false;
  }
  update(config: AuthConfig | undefined): void {
    this.config = config && config.keys.length > 0 ? config : undefined;
  }

  private find(key: string): KeyEntry | "revoked" | undefined {
    const entry = this.config;
    if (!entry) return undefined;
    if (entry.revoked?.some((text) => sameKey(text, key))) return "revoked";
    return entry.keys.find((entry) => sameKey(entry.key, key));
  }

  /** Decides a write (POST). */
  check(credentials: RequestCredentials): AuthDecision {
    const decision = this.decideWrite(credentials);
    if (decision.ok) return decision;
    // A page from an origin this collector serves may read why it was refused (a revoked or mistyped key).
    const origin = credentials.origin;
    return origin && this.servesOrigin(origin, credentials.remoteAddress)
      ? { ...decision, corsOrigin: origin }
      : decision;
  }

  /** Whether pages of `origin` are this collector's: listed by a browser key (revoked ones too), or local when keyless. */
  private servesOrigin(origin: string, remoteAddress: string | undefined): boolean {
    if (!this.hasKeys) return isLoopbackAddress(remoteAddress) && isLocalOrigin(origin);
    return this.config?.keys.some((key) => key.kind === "browser" && key.origins.includes(origin)) ?? false;
  }

  private decideWrite({ key, keySource = "authorization", origin, remoteAddress }: RequestCredentials): AuthDecision {
    if (!this.hasKeys) {
      // Keyless mode is for local development: loopback clients, and pages served from loopback.
      if (!isLoopbackAddress(remoteAddress)) {
        return {
          ok: false,
          status: 403,
          message: "This collector has no keys configured and only accepts loopback clients",
        };
      }
      if (origin !== undefined && !isLocalOrigin(origin)) {
        return {
          ok: false,
          status: 403,
          message: `Origin ${origin} may not write to a keyless collector; configure a browser key`,
        };
      }
      return { ok: true, corsOrigin: origin };
    }
    if (!key) {
      return {
        ok: false,
        status: 401,
        message: "Missing write key: send `Authorization: Bearer <key>` (browser keys may also come as `?key=`)",
      };
    }
    if (keySource === "basic") {
      return {
        ok: false,
        status: 401,
        message: "Writes take `Authorization: Bearer <key>`; HTTP Basic is for read keys",
      };
    }
    const entry = this.find(key);
    if (entry === "revoked") return { ok: false, status: 401, message: `The write key ${mask(key)} has been revoked` };
    if (!entry) return { ok: false, status: 401, message: `Unknown write key ${mask(key)}` };
    if (entry.kind === "read") {
      return { ok: false, status: 403, message: `The read key ${mask(key)} cannot write; use a server or browser key` };
    }
    if (entry.kind === "server") {
      if (keySource !== "authorization") return { ok: false, status: 401, message: keyPlacement(key, keySource) };
      return { ok: true, corsOrigin: undefined };
    }
    if (origin === undefined || !entry.origins.includes(origin)) {
      return {
        ok: false,
        status: 403,
        message: `The browser key ${mask(key)} is not allowed from origin ${origin ?? "(none)"}; allowed: ${entry.origins.join(", ")}`,
      };
    }
    return { ok: true, corsOrigin: origin };
  }

  /**
   * Decides a read (`/v1/report`, `/report`, `/v1/alerts`). With read keys configured, every client needs
   * one (a proxy on the same host makes every client look local); without, loopback clients only.
   */
  checkRead({ key, keySource = "authorization", remoteAddress }: Omit<RequestCredentials, "origin">): ReadDecision {
    if (!this.hasReadKeys) {
      if (isLoopbackAddress(remoteAddress)) return { ok: true };
      return {
        ok: false,
        status: 403,
        message:
          'Reports are served to loopback clients only until a read key is configured ({"key": "...", "kind": "read"} in --config); or run `inferlog-collector report` on the host',
      };
    }
    if (!key) return { ok: false, status: 401, message: "Missing read key: send `Authorization: Bearer <read key>`" };
    if (keySource !== "authorization" && keySource !== "basic") {
      return { ok: false, status: 401, message: keyPlacement(key, keySource) };
    }
    const entry = this.find(key);
    if (entry === "revoked") return { ok: false, status: 401, message: `The read key ${mask(key)} has been revoked` };
    if (!entry) return { ok: false, status: 401, message: `Unknown read key ${mask(key)}` };
    if (entry.kind !== "read") {
      return {
        ok: false,
        status: 403,
        message: `The ${entry.kind} key ${mask(key)} cannot read reports; use a read key`,
      };
    }
    return { ok: true };
  }

  /**
   * Decides a CORS preflight. Browsers send no Authorization header on preflight, so with `?key=`
   * the key's own origins decide; without it, an origin listed by any live browser key may proceed
   * and the real request is then checked against its key.
   */
  preflight(
    origin: string | undefined,
    key: string | undefined,
    remoteAddress: string | undefined,
  ): string | undefined {
    if (!origin) return undefined;
    const config = this.config;
    if (!this.hasKeys || !config) return isLoopbackAddress(remoteAddress) && isLocalOrigin(origin) ? origin : undefined;
    if (key) {
      const entry = this.find(key);
      return entry && entry !== "revoked" && entry.kind === "browser" && entry.origins.includes(origin)
        ? origin
        : undefined;
    }
    const live = config.keys.filter((entry) => !config.revoked?.some((text) => sameKey(text, entry.key)));
    return live.some((entry) => entry.kind === "browser" && entry.origins.includes(origin)) ? origin : undefined;
  }
}

const keyPlacement = (key: string, source: KeySource): string =>
  `The key ${mask(key)} came in ${WHERE[source]}: server and read keys are accepted only in \`Authorization: Bearer <key>\` ` +
  "(URLs end up in access logs and browser history; rotate the key if this one was logged)";
