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

/** The q-quantile (0..1) by the nearest-rank rule on a sorted copy. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** User + system CPU of this process in microseconds since `start` (a process.cpuUsage() value). */
export const cpuMicros = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return d.user + d.system;
};

export const nowNs = (): number => Number(process.hrtime.bigint());

export function emit(scenario: string, rows: Row[]): void {
  process.stdout.write(`${JSON.stringify({ scenario, rows })}\n`);
}

/**
 * Which calls held a garbage-collection pause: `slow` lists [call index, when the call ended] and `pauses`
 * [start, end] (both in `performance.now()` ms); `durationsNs[index]` is the call's time. A call holds a pause
 * when the two overlap at all.
 */
export function callsHoldingPause(
  slow: readonly (readonly [number, number])[],
  durationsNs: readonly number[],
  pauses: readonly (readonly [number, number])[],
): Set<number> {
  const held = new Set<number>();
  for (const [index, end] of slow) {
    const start = end - (durationsNs[index] as number) / 1e6;
    if (pauses.some(([from, to]) => from < end && to > start)) held.add(index);
  }
  return held;
}
