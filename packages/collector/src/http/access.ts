import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { Auth, AuthDecision, KeySource, ReadDecision, RequestCredentials } from "../auth.js";

/**
 * Host names a loopback-bound collector answers to by default: a DNS-rebinding page reaches 127.0.0.1 under its
 * own name, which is not in the list. An entry starting with `.` matches any subdomain; `*` matches every host.
 */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", ".localhost", "127.0.0.1", "[::1]"];

export interface AccessOptions {
  /**
   * Take the client's address from the last `X-Forwarded-For` entry: one trusted proxy in front, through which
   * every request comes (a request without the header has no known address).
   */
  trustProxy: boolean;
  /** The `Host` names allowed, or undefined for any (read when each request comes: `listen` decides the default). */
  allowedHosts: () => readonly string[] | undefined;
}

/** Who is asking, and whether they may: the checks every route shares (the keys themselves are `Auth`'s). */
export interface Access {
  /** Why this request's `Host` header is refused (DNS rebinding), or undefined when it is allowed. */
  hostProblem(req: IncomingMessage): string | undefined;
  /** The client's address: the peer's, the proxy's view of it with `trustProxy`, or undefined when proxied unseen. */
  clientAddress(req: IncomingMessage): string | undefined;
  authorizeWrite(req: IncomingMessage, url: URL): AuthDecision;
  /** The guard of every read route (`/v1/report`, `/report`, `/v1/alerts`): the `Host` check, then the read key. */
  authorizeRead(req: IncomingMessage): ReadDecision;
  /** The origin a CORS preflight may proceed for, or undefined. */
  preflight(req: IncomingMessage, url: URL): string | undefined;
}

/** The hostname of a `Host` header, lower-cased, IPv6 kept in brackets, without the port. */
export function hostName(header: string): string {
  const hex = header.trim().toLowerCase();
  if (hex.startsWith("[")) return hex.slice(0, hex.indexOf("]") + 1);
  const colon = hex.lastIndexOf(":");
  return colon >= 0 ? hex.slice(0, colon) : hex;
}

export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes("*")) return true;
  if (!header) return false;
  const name = hostName(header);
  return allowed.some((entry) => {
    const event = entry.toLowerCase();
    return event.startsWith(".") ? name.endsWith(event) : name === event;
  });
}

/** One X-Forwarded-For entry as a bare address (`[::1]:80`, `1.2.3.4:80` → the address). */
function bareAddress(entry: string): string | undefined {
  const event = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(event);
  if (bracketed) return bracketed[1];
  if (isIP(event)) return event;
  const withPort = /^([\d.]+):\d+$/.exec(event);
  return withPort && isIP(withPort[1] ?? "") ? withPort[1] : undefined;
}

/** A key from the Authorization header (Bearer, or Basic with the key as password), X-Inferlog-Key or `?key=`. */
export function presentedKey(req: IncomingMessage, url: URL): { key: string; source: KeySource } | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (bearer?.[1]) return { key: bearer[1], source: "authorization" };
    // Basic lets a browser ask for the read key of /report itself: user name anything, password the key.
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
    if (basic?.[1]) {
      const text = Buffer.from(basic[1], "base64").toString("utf8");
      const colon = text.indexOf(":");
      const key = colon < 0 ? text : text.slice(colon + 1) || text.slice(0, colon);
      if (key) return { key, source: "basic" };
    }
  }
  const header = req.headers["x-inferlog-key"];
  if (typeof header === "string" && header.length > 0) return { key: header, source: "x-inferlog-key" };
  const query = url.searchParams.get("key");
  return query ? { key: query, source: "query" } : undefined;
}

export function createAccess(auth: Auth, options: AccessOptions): Access {
  const clientAddress = (req: IncomingMessage): string | undefined => {
    const forwarded = req.headers["x-forwarded-for"];
    const list = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
    // Behind a trusted proxy every request passes it: one without the header came some other way, unknown.
    if (options.trustProxy) {
      const last = list?.split(",").pop();
      return last === undefined ? undefined : bareAddress(last);
    }
    // Not told to trust a proxy, yet the request says it passed one: its client is not the peer, so
    // it is not known to be local (a proxy on the same host would make every client look loopback).
    if (list !== undefined || req.headers.forwarded !== undefined) return undefined;
    return req.socket.remoteAddress;
  };
  const hostProblem = (req: IncomingMessage): string | undefined => {
    const allowed = options.allowedHosts();
    if (allowed === undefined || hostAllowed(req.headers.host, allowed)) return undefined;
    const got = req.headers.host === undefined ? "none" : `\`${req.headers.host.slice(0, 100)}\``;
    return `The Host header ${got} is not one this collector answers to (allowed: ${allowed.join(", ")}); set --allowed-hosts`;
  };
  const credentials = (req: IncomingMessage, url: URL): RequestCredentials => {
    const presented = presentedKey(req, url);
    const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
    return {
      key: presented?.key,
      ...(presented ? { keySource: presented.source } : {}),
      origin,
      remoteAddress: clientAddress(req),
    };
  };
  return {
    hostProblem,
    clientAddress,
    authorizeWrite: (req, url) => auth.check(credentials(req, url)),
    authorizeRead(req) {
      const problem = hostProblem(req);
      if (problem) return { ok: false, status: 403, message: problem };
      return auth.checkRead(credentials(req, new URL(req.url ?? "/", "http://collector.invalid")));
    },
    preflight(req, url) {
      const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
      return auth.preflight(origin, url.searchParams.get("key") ?? undefined, clientAddress(req));
    },
  };
}
