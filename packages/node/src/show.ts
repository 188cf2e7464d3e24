/** Any value, for an error message: JSON.stringify throws on BigInt and cycles, String() on null-prototype objects. */
export function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return typeof v === "bigint" ? `${v}n` : Object.prototype.toString.call(v);
  }
}
