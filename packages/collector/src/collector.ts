import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError, intOption, checkOption as need, showValue } from "@inferlog/core";
import { Auth, type AuthConfig, parseAuthConfig } from "./auth.js";
import { resolvesToLoopback } from "./bind-address.js";
import { createAccess, LOOPBACK_HOSTS } from "./http/access.js";
import { createHandler, type Logger } from "./http/handler.js";
import { WriteHealth } from "./http/write-health.js";
import { observeRequests, observeStoreWrites } from "./observability/http-metrics.js";
import { type CollectorMetrics, createCollectorMetrics } from "./observability/metrics.js";
import type { GroupCommitOptions } from "./store/group-commit.js";
import { openStore, withoutPassword } from "./store/open-store.js";
import type { Store } from "./store/types.js";

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_EVENTS = 10_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export interface CollectorOptions {
  /** A store spec (`sqlite:./inferlog.db`, `clickhouse://127.0.0.1:8123/inferlog`) or an opened store. */
  store: string | Store;
  /**
   * Write and read keys. Without write keys the collector only listens on loopback and only takes loopback
   * clients; without read keys it serves reports to loopback clients only.
   */
  auth?: AuthConfig;
  /**
   * `Host` names the collector answers to (`.example.com` matches subdomains, `*` any), against DNS rebinding.
   * Default: the loopback names (LOOPBACK_HOSTS and the bound address) when listening on loopback; any otherwise.
   * `/healthz` answers whatever the Host.
   */
  allowedHosts?: readonly string[];
  /**
   * One proxy in front, through which every request comes: the client's address is the last `X-Forwarded-For`
   * entry (default false: a request carrying that header counts as not local).
   */
  trustProxy?: boolean;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  maxEvents?: number;
  /** Applied to predictions without `outcomeTtlSeconds` in label coverage (default 7 days). */
  defaultOutcomeTtlSeconds?: number;
  /** SQLite `synchronous` pragma: FULL (default, survives power loss) or NORMAL (survives a killed process). */
  sqliteSynchronous?: "FULL" | "NORMAL";
  /** How long and how many events concurrent batches are coalesced for before one write (store spec only). */
  groupCommit?: GroupCommitOptions;
  /**
   * Start even when the store cannot be used yet (ClickHouse does not answer; the SQLite file cannot be
   * written, as on a full disk), serving 503 (healthz and ingest, with Retry-After) until a background
   * retry opens it. Default false: the start fails.
   */
  waitForStore?: boolean;
  /**
   * With a `clickhouse://` spec: a cluster of the server's remote_servers (one shard, its replicas) to
   * create the tables on, replicated, each with a Distributed table beside it (docs/scaling.md).
   */
  clickhouseCluster?: string;
  logger?: Logger;
  now?: () => number;
}

export interface Collector {
  readonly store: Store;
  /** The Prometheus metrics served at `GET /metrics`; `metrics.registry` to merge them into your own. */
  readonly metrics: CollectorMetrics;
  /** A node:http request listener, to mount the collector in your own server. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Starts an HTTP server; resolves with the address it listens on. Refuses non-loopback hosts without keys. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number; host: string }>;
  /**
   * Replaces the keys (for example after editing the config file); revocations apply to the next request.
   * Throws, keeping the previous keys, when the new ones hold no write key while listening on a non-loopback address.
   */
  setAuth(auth: AuthConfig | undefined): void;
  /** Stops accepting, lets in-flight batches finish (up to `timeoutMs`), then closes the store. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

const silentInfo: Logger = {
  info: () => {},
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

export async function createCollector(options: CollectorOptions): Promise<Collector> {
  if (options === null || typeof options !== "object") {
    throw new ConfigError(`Expected createCollector options to be an object, got \`${showValue(options)}\``);
  }
  const limits = {
    maxBodyBytes: intOption("maxBodyBytes", options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 1),
    maxDecompressedBytes: intOption(
      "maxDecompressedBytes",
      options.maxDecompressedBytes,
      DEFAULT_MAX_DECOMPRESSED_BYTES,
      1,
    ),
    maxEvents: intOption("maxEvents", options.maxEvents, DEFAULT_MAX_EVENTS, 1),
  };
  const spec = options.store as unknown;
  need(
    typeof spec === "string" || typeof (spec as Partial<Store> | null | undefined)?.insertBatch === "function",
    "store",
    'a string such as "sqlite:./inferlog.db" or an opened Store',
    spec,
  );
  if (options.clickhouseCluster !== undefined && !(typeof spec === "string" && spec.startsWith("clickhouse"))) {
    throw new ConfigError(
      `Expected \`clickhouseCluster\` to come with a clickhouse:// store spec, got the store \`${showValue(typeof spec === "string" ? withoutPassword(spec) : "an opened Store")}\``,
    );
  }
  const auth = new Auth(options.auth === undefined ? undefined : parseAuthConfig(options.auth));
  if (options.allowedHosts !== undefined) {
    need(
      Array.isArray(options.allowedHosts) &&
        options.allowedHosts.every((allowedHost) => typeof allowedHost === "string" && allowedHost.length > 0),
      "allowedHosts",
      "an array of host names",
      options.allowedHosts,
    );
  }
  need(
    options.trustProxy === undefined || typeof options.trustProxy === "boolean",
    "trustProxy",
    "a boolean",
    options.trustProxy,
  );
  // Until `listen` binds (or when the handler is mounted in another server), only configured hosts are checked.
  let allowedHosts: readonly string[] | undefined = options.allowedHosts;
  /** Whether the collector listens on a non-loopback address: it may then never become keyless. */
  let exposed = false;
  const access = createAccess(auth, { trustProxy: options.trustProxy ?? false, allowedHosts: () => allowedHosts });
  const metrics = createCollectorMetrics();
  const logger = options.logger ?? silentInfo;
  const opened =
    typeof options.store === "string"
      ? await openStore(options.store, {
          ...(options.defaultOutcomeTtlSeconds === undefined
            ? {}
            : { defaultOutcomeTtlSeconds: options.defaultOutcomeTtlSeconds }),
          ...(options.sqliteSynchronous ? { synchronous: options.sqliteSynchronous } : {}),
          ...(options.groupCommit === undefined ? {} : { groupCommit: options.groupCommit }),
          ...(options.waitForStore ? { waitForStore: true, logger } : {}),
          ...(options.clickhouseCluster === undefined ? {} : { clickhouseCluster: options.clickhouseCluster }),
        })
      : options.store;
  const store = observeStoreWrites(metrics, opened);
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const handle = createHandler({
    store,
    access,
    limits,
    logger,
    writeHealth: new WriteHealth(),
    metrics,
    now: options.now ?? Date.now,
    draining: () => draining,
  });
  const handler = observeRequests(metrics, (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    void handle(req, res);
  });
  let server: Server | undefined;

  return {
    store,
    metrics,
    handler,
    async listen({ port = 4318, host = "127.0.0.1" } = {}) {
      if (server) throw new Error("This collector is already listening");
      intOption("port", port, undefined, 0, 65535);
      need(typeof host === "string" && host.length > 0, "host", "an address such as 127.0.0.1", host);
      // The addresses the name resolves to decide, not how it is spelled ("127.example.com" is not loopback).
      const loopback = await resolvesToLoopback(host);
      if (!auth.hasKeys && !loopback) {
        throw new Error(
          `Refusing to listen on ${host} without write keys: anyone who can reach it could write events. ` +
            "Configure keys (--config keys.json) or listen on 127.0.0.1.",
        );
      }
      const text = createServer({ keepAliveTimeout: 5_000, requestTimeout: 60_000 }, handler);
      server = text;
      await new Promise<void>((resolve, reject) => {
        text.once("error", reject);
        text.listen(port, host, () => {
          text.off("error", reject);
          resolve();
        });
      });
      const addr = text.address() as AddressInfo;
      const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      exposed = !loopback;
      if (loopback && options.allowedHosts === undefined) allowedHosts = [...LOOPBACK_HOSTS, shown];
      return { url: `http://${shown}:${addr.port}`, port: addr.port, host: addr.address };
    },
    setAuth(next) {
      const parsed = next === undefined ? undefined : parseAuthConfig(next);
      if (exposed && !new Auth(parsed).hasKeys) {
        throw new Error(
          "Refusing new keys without a write key while listening on a non-loopback address: the collector would " +
            "become keyless; kept the previous keys",
        );
      }
      auth.update(parsed);
    },
    async close({ timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS } = {}) {
      if (draining) return;
      draining = true;
      const entry = server;
      const closed = entry ? new Promise<void>((resolve) => entry.close(() => resolve())) : Promise.resolve();
      entry?.closeIdleConnections();
      // In-flight batches finish and are answered; only then does the store close under them.
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      entry?.closeAllConnections();
      await closed;
      await store.close();
    },
  };
}
