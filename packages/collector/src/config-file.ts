import { readFileSync } from "node:fs";
import { type AuthConfig, parseAuthConfig } from "./auth.js";
import { jsonErrorOffset } from "./http/json-error-offset.js";

/**
 * Reads the `--config` JSON file: `{ "keys": [...], "revoked": [...] }`. Errors name the file and the field
 * or the place, never the text there: it holds keys.
 */
export function loadAuthConfig(path: string): AuthConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read the config file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // V8's message quotes the text around the fault, which may be a key: say only where it is.
    const at = jsonErrorOffset(text);
    const before = text.slice(0, Math.max(0, at));
    const where = at < 0 ? "" : ` at line ${before.split("\n").length}, column ${at - before.lastIndexOf("\n")}`;
    throw new Error(`The config file ${path} is not valid JSON${where}`);
  }
  try {
    return parseAuthConfig(json);
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
