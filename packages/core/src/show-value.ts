/**
 * Any value as it should appear in an error message: strings quoted, functions named as such
 * (never their source), and never a throw (JSON.stringify throws on BigInt and cycles, String()
 * on null-prototype objects).
 */
export function showValue(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
