import { timingSafeEqual } from "node:crypto";
import { formatIssue } from "@inferlog/core";
import * as z from "zod/mini";

const originString = z.string().check(
  z.refine((o) => /^https?:\/\/[^/\s]+$/.test(o), {
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
    ]),
  ),
  /** Keys refused even if still listed under `keys`: revoke by adding here (and reloading). */
  revoked: z.optional(z.array(z.string())),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;
type KeyEntry = AuthConfig["keys"][number];

/** Validates an auth config with messages that name the field, e.g. `keys[1].origins[0]`. */
export function parseAuthConfig(input: unknown): AuthConfig {
  const r = z.safeParse(authConfigSchema, input);
  if (r.success) {
    const seen = new Set<string>();
    for (const k of r.data.keys) {
      if (seen.has(k.key)) throw new Error(`Invalid auth config: the key ${mask(k.key)} is listed twice`);
      seen.add(k.key);
    }
    return r.data;
  }
  const issue = r.error.issues[0] as z.core.$ZodIssue;
  const hint =
    issue.path[0] === "keys" && issue.path.length === 2
      ? ' (each key needs `key`, `kind` "server" or "browser", and `origins` for browser keys; keys are 16+ printable characters)'
      : "";
  throw new Error(`Invalid auth config: ${formatIssue(issue, input)}${hint}`);
}

export const mask = (key: string) => `${key.slice(0, 6)}…`;

const sameKey = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export type AuthDecision =
  | { ok: true; corsOrigin: string | undefined }
  | { ok: false; status: 401 | 403; message: string };

export const isLoopbackAddress = (addr: string | undefined): boolean =>
  !!addr && (/^127\./.test(addr) || addr === "::1" || /^::ffff:127\./.test(addr) || addr === "localhost");

/** Local pages (any port) may call a keyless loopback collector; other sites may not. */
const isLocalOrigin = (origin: string) => /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(origin);

export interface RequestCredentials {
  key: string | undefined;
  origin: string | undefined;
  remoteAddress: string | undefined;
}

/** Who may write. Holds the parsed config; `update` swaps it atomically (SIGHUP reload). */
export class Auth {
  private config: AuthConfig | undefined;
  constructor(config: AuthConfig | undefined) {
    this.config = config && config.keys.length > 0 ? config : undefined;
  }
  get hasKeys(): boolean {
    return this.config !== undefined;
  }
  update(config: AuthConfig | undefined): void {
    this.config = config && config.keys.length > 0 ? config : undefined;
  }

  private find(key: string): KeyEntry | "revoked" | undefined {
    const c = this.config;
    if (!c) return undefined;
    if (c.revoked?.some((r) => sameKey(r, key))) return "revoked";
    return c.keys.find((k) => sameKey(k.key, key));
  }

  /** Decides a write (POST). */
  check({ key, origin, remoteAddress }: RequestCredentials): AuthDecision {
    if (!this.config) {
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
        message: "Missing write key: send `Authorization: Bearer <key>` (or `?key=` for browsers)",
      };
    }
    const entry = this.find(key);
    if (entry === "revoked") return { ok: false, status: 401, message: `The write key ${mask(key)} has been revoked` };
    if (!entry) return { ok: false, status: 401, message: `Unknown write key ${mask(key)}` };
    if (entry.kind === "server") return { ok: true, corsOrigin: undefined };
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
    if (!this.config) return isLoopbackAddress(remoteAddress) && isLocalOrigin(origin) ? origin : undefined;
    if (key) {
      const entry = this.find(key);
      return entry && entry !== "revoked" && entry.kind === "browser" && entry.origins.includes(origin)
        ? origin
        : undefined;
    }
    const live = this.config.keys.filter((k) => !this.config?.revoked?.some((r) => sameKey(r, k.key)));
    return live.some((k) => k.kind === "browser" && k.origins.includes(origin)) ? origin : undefined;
  }
}
