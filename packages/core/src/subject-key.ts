import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { ConfigError } from "./errors.js";

const HEX: string[] = Array.from({ length: 256 }, (_, index) => index.toString(16).padStart(2, "0"));
const encoder = new (
  globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } }
).TextEncoder();

/**
 * Returns a function that turns a raw user or tenant id into a `subjectKey`:
 * HMAC-SHA256 with your secret, 128 bits in hex. The same id always gives the same key,
 * so per-user metrics work, but the raw id never leaves the process and the key cannot
 * be reversed or recomputed without the secret. Keep the secret on the server.
 */
export function createSubjectKeyer(secret: string | Uint8Array): (rawId: string | number) => string {
  const key = typeof secret === "string" ? encoder.encode(secret) : secret;
  if (!(key instanceof Uint8Array) || key.length < 16) {
    throw new ConfigError(
      `Expected the subject-key secret to be at least 16 bytes, got ${key instanceof Uint8Array ? `${key.length} bytes` : typeof secret}`,
    );
  }
  return (rawId) => {
    const mac = hmac(sha256, key, encoder.encode(String(rawId)));
    let out = "";
    for (let index = 0; index < 16; index++) out += HEX[mac[index] as number];
    return out;
  };
}
