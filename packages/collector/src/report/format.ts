/** One formatting for the terminal tables and the HTML report, so both show the JSON's numbers alike. */
export const pct = (value: number | null): string => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
export const dec = (value: number | null, digits = 3): string => (value === null ? "–" : value.toFixed(digits));
export const day = (iso: string): string => iso.slice(0, 10);
export const secs = (value: number): string =>
  value >= 86_400
    ? `${(value / 86_400).toFixed(1)} d`
    : value >= 3600
      ? `${(value / 3600).toFixed(1)} h`
      : `${value.toFixed(0)} s`;
/** An RFC 3339 time to the minute, as "2026-11-20 10:00". */
export const minute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** The escapes of `terminalText` that read better than `\\u00XX`. */
const TERMINAL_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text from events (model and feature names, labels, ids) as a terminal may show it: control characters
 * (C0, DEL, C1) and the line and paragraph separators written as escapes (`\n`, `\u001b`), so a stored name
 * can neither break a table's rows nor send the terminal commands (colours, its title). The HTML report
 * escapes its own way; the JSON report carries the text as it is.
 */
export const terminalText = (text: string): string =>
  // Written as "anything but the printable rest", so the pattern holds no control character.
  text.replace(
    /[^\x20-\x7e\xa0-\u2027\u202a-\uffff]/g,
    (char) => TERMINAL_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
