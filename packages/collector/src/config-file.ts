import { readFileSync } from "node:fs";
import { type AuthConfig, parseAuthConfig } from "./auth.js";

/** Reads the `--config` JSON file: `{ "keys": [...], "revoked": [...] }`. Errors name the file and the field. */
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
  } catch (e) {
    throw new Error(`The config file ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return parseAuthConfig(json);
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
