/** Helpers shared by scenarios: medians, timers, and the output line. */
export interface Row {
  metric: string;
  subject: string;
  /** null when the subject could not be measured (the note says why). */
  value: number | null;
  unit: string;
  better: "lower" | "higher";
  note?: string;
  /** A limit or floor, not a peer: shown, never the "best peer". */
  reference?: boolean;
  /** Why this peer's figure does not qualify as "best peer" (e.g. it lost events). */
  excluded?: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export const nowNs = (): number => Number(process.hrtime.bigint());

export function emit(scenario: string, rows: Row[]): void {
  process.stdout.write(`${JSON.stringify({ scenario, rows })}\n`);
}
