import { readFileSync } from "node:fs";
import { type AuthConfig, parseAuthConfig } from "./auth.js";
import { jsonErrorOffset } from "./http/json-error-offset.js";
import { type MonitorsConfig, parseMonitorsConfig } from "./monitors/rules.js";
import { type NotificationsConfig, parseNotificationsConfig } from "./monitors/webhooks-config.js";

/** The config file's JSON. Errors name the file and the place, never the text there: it holds keys. */
function readConfigJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read the config file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // V8's message quotes the text around the fault, which may be a key: say only where it is.
    const at = jsonErrorOffset(text);
    const before = text.slice(0, Math.max(0, at));
    const where = at < 0 ? "" : ` at line ${before.split("\n").length}, column ${at - before.lastIndexOf("\n")}`;
    throw new Error(`The config file ${path} is not valid JSON${where}`);
  }
}

/** Reads the `--config` JSON file: `{ "keys": [...], "revoked": [...] }`. Errors name the file and the field. */
export function loadAuthConfig(path: string): AuthConfig {
  const json = readConfigJson(path);
  try {
    return parseAuthConfig(json);
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface CollectorConfigFile {
  /** Undefined when the file has neither `keys` nor `revoked`. */
  auth: AuthConfig | undefined;
  monitors: MonitorsConfig;
  notifications: NotificationsConfig;
  /** `"clickhouse": { "cluster": "name" }`: the `--clickhouse-cluster` of `serve` (the flag wins). */
  clickhouse: { cluster?: string };
}

function parseClickHouseConfig(section: unknown): { cluster?: string } {
  if (section === undefined) return {};
  if (section === null || typeof section !== "object" || Array.isArray(section)) {
    throw new Error('Expected `clickhouse` to be an object such as { "cluster": "inferlog" }');
  }
  const { cluster, ...rest } = section as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw new Error(`Unknown key \`clickhouse.${unknownKey}\` (known: cluster)`);
  if (cluster === undefined) return {};
  if (typeof cluster !== "string" || cluster.length === 0) {
    throw new Error(`Expected \`clickhouse.cluster\` to be a cluster name, got \`${JSON.stringify(cluster)}\``);
  }
  return { cluster };
}

/** The whole config file: keys, `monitors` and `notifications` (docs/monitors.md); errors name the file and the field. */
export function loadCollectorConfig(path: string | undefined): CollectorConfigFile {
  const json = path === undefined ? {} : readConfigJson(path);
  try {
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new Error("Expected the config file to hold a JSON object");
    }
    const section = json as Record<string, unknown>;
    return {
      auth: "keys" in section || "revoked" in section ? parseAuthConfig(json) : undefined,
      monitors: parseMonitorsConfig(section.monitors),
      notifications: parseNotificationsConfig(section.notifications),
      clickhouse: parseClickHouseConfig(section.clickhouse),
    };
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
