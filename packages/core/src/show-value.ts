/**
 * Any value as it should appear in an error message: strings quoted, functions named as such
 * (never their source), and never a throw (JSON.stringify throws on BigInt and cycles, String()
 * on null-prototype objects).
 */
export function showValue(v: unknown): string {
  if (typeof v === "function") return "a function";
  if (typeof v === "bigint") return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
