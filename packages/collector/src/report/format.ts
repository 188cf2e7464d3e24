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
