import type { Encoder } from "../options.js";

/**
 * Newline-delimited JSON: one CloudEvent per line. Vector's `http_server` (decoding `json`,
 * framing `newline_delimited`), Fluent Bit's `http` input and Logstash's `http` input with the
 * `json_lines` codec take it as it is.
 */
export const ndjsonEncoder: Encoder = {
  contentType: "application/x-ndjson",
  // Events are single-line JSON (JSON.stringify escapes newlines inside strings).
  encode: (events) => (events.length === 0 ? "" : `${events.join("\n")}\n`),
};
