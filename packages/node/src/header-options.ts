import { ConfigError, checkOption as need, showValue } from "@inferlog/core/lite";

/** A header name undici accepts: an HTTP token. */
const HEADER_NAME = /^[\w!#$%&'*+.^`|~-]+$/;
/** A header value undici accepts: no control character but tab, nothing past U+00FF. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Refuses what undici would refuse on every request (each attempt would fail as a network error).
 * Never shows a string value: it may be a key.
 */
export function checkHeaderValue(name: string, value: unknown): void {
  if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
    throw new ConfigError(
      `Expected \`${name}\` to be a string of header characters (no line breaks or other control characters, nothing past U+00FF)${typeof value === "string" ? "" : `, got \`${showValue(value)}\``}`,
    );
  }
}

/** The `headers` option, checked as `checkHeaderValue` checks each value. */
export function checkHeaders(headers: unknown): Record<string, string> | undefined {
  need(
    headers === undefined || (typeof headers === "object" && headers !== null && !Array.isArray(headers)),
    "headers",
    "an object of header names and values",
    headers,
  );
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) {
      throw new ConfigError(
        `Expected the names in \`headers\` to be header names (letters, digits and !#$%&'*+-.^_\`|~), got \`${showValue(name)}\``,
      );
    }
    checkHeaderValue(`headers.${name}`, value);
  }
  return headers as Record<string, string> | undefined;
}
