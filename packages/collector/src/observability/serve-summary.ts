import type { AuthConfig } from "../auth.js";
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_EVENTS } from "../collector.js";
import { withoutPassword } from "../store/open-store.js";

/** What `serve` runs with, for its startup log line: counts of keys, never a key; the store without its password. */
export function serveSummary(options: {
  host: string;
  port: number;
  store: string;
  configFile: string | undefined;
  auth: AuthConfig | undefined;
}) {
  const keys = options.auth?.keys ?? [];
  return {
    event: "config",
    host: options.host,
    port: options.port,
    store: withoutPassword(options.store),
    configFile: options.configFile ?? null,
    serverKeys: keys.filter((key) => key.kind === "server").length,
    browserKeys: keys.filter((key) => key.kind === "browser").length,
    revokedKeys: options.auth?.revoked?.length ?? 0,
    limits: {
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
      maxEvents: DEFAULT_MAX_EVENTS,
    },
    node: process.version,
  };
}
