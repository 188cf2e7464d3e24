/** The output convention of packages/bench: one JSON line per scenario. */
export interface Row {
  metric: string;
  subject: string;
  value: number;
  unit: string;
  better: "lower" | "higher";
  note?: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function emit(scenario: string, rows: Row[]): void {
  process.stdout.write(`${JSON.stringify({ scenario, rows })}\n`);
}
