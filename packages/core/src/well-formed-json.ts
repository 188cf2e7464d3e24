/**
 * The text policy of the wire (docs/event-model.md, "Text"): a lone UTF-16 surrogate is not
 * Unicode text, and the collector refuses an event that holds one, so the client writes it as
 * U+FFFD, as every UTF-8 encoder (TextEncoder, Buffer) does. A string cut inside a pair
 * (`"great 👍".slice(0, 7)`) keeps its event and loses half a character, not the event.
 *
 * JSON.stringify writes a lone surrogate as a `\udXXX` escape and only that way (pairs are written
 * as they are), so the repair works on the JSON text, keys included. Escaped backslashes are
 * matched as a unit first, so text that merely reads `\ud800` (`"\\ud800"` in JSON) is left alone.
 */
const ESCAPED_BACKSLASH_OR_LONE_SURROGATE = /\\\\|\\ud[89a-f][0-9a-f]{2}/g;
/** U+FFFD REPLACEMENT CHARACTER as a JSON escape: six bytes, as the escape it replaces. */
const REPLACEMENT_ESCAPE = "\\ufffd";

/** A surrogate pair, or else a lone surrogate. */
const PAIR_OR_LONE_SURROGATE = /[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;

/**
 * `text` with every lone surrogate as U+FFFD (String.prototype.toWellFormed, which ES2020 targets
 * lack). For messages that quote the caller's text: they name a field as the collector would, and
 * they reach loggers that write UTF-8.
 */
export const wellFormedText = (text: string): string =>
  text.replace(PAIR_OR_LONE_SURROGATE, (match) => (match.length === 2 ? match : "\ufffd"));

/** `json` (JSON.stringify output) with every lone surrogate written as U+FFFD; the same length in bytes. */
export function wellFormedJson(json: string): string {
  if (!json.includes("\\ud")) return json;
  return json.replace(ESCAPED_BACKSLASH_OR_LONE_SURROGATE, (match) =>
    match.length === 2 ? match : REPLACEMENT_ESCAPE,
  );
}
