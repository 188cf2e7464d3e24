/** One formatting for the terminal tables and the HTML report, so both show the JSON's numbers alike. */
export const pct = (v: number | null): string => (v === null ? "–" : `${(v * 100).toFixed(1)}%`);
export const dec = (v: number | null, digits = 3): string => (v === null ? "–" : v.toFixed(digits));
export const day = (iso: string): string => iso.slice(0, 10);
export const secs = (v: number): string =>
  v >= 86_400 ? `${(v / 86_400).toFixed(1)} d` : v >= 3600 ? `${(v / 3600).toFixed(1)} h` : `${v.toFixed(0)} s`;
/** An RFC 3339 time to the minute, as "2026-11-20 10:00". */
export const minute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
