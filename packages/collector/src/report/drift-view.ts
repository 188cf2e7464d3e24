import type { DriftRow, Report } from "../metrics/types.js";

/** How many features the report draws (charts, bin shares); the rest are in the summary table. */
export const MOST_DRIFTED = 12;

/** One feature's drift over the report: every window's row and the one with the largest PSI. */
export interface FeatureDrift {
  model: string;
  feature: string;
  rows: DriftRow[];
  worst: DriftRow;
  latest: DriftRow;
}

/** Features by their largest PSI over the windows, most drifted first (then by model and feature name). */
export function featuresByDrift(r: Report): FeatureDrift[] {
  const byFeature = new Map<string, DriftRow[]>();
  for (const row of r.drift) {
    const key = `${row.model}\u0000${row.feature}`;
    byFeature.set(key, [...(byFeature.get(key) ?? []), row]);
  }
  const out: FeatureDrift[] = [];
  for (const rows of byFeature.values()) {
    const sorted = [...rows].sort((a, b) => a.windowStart.localeCompare(b.windowStart));
    const worst = sorted.reduce((a, b) => (b.psi > a.psi ? b : a));
    out.push({
      model: worst.model,
      feature: worst.feature,
      rows: sorted,
      worst,
      latest: sorted[sorted.length - 1] as DriftRow,
    });
  }
  return out.sort(
    (a, b) => b.worst.psi - a.worst.psi || a.model.localeCompare(b.model) || a.feature.localeCompare(b.feature),
  );
}

/** The bin whose share moved most between the reference and `row`'s window: the direction in one phrase. */
export function largestShift(row: DriftRow): string {
  let best: DriftRow["bins"][number] | undefined;
  for (const b of row.bins) {
    if (!best || Math.abs(b.share - b.referenceShare) > Math.abs(best.share - best.referenceShare)) best = b;
  }
  if (!best) return "–";
  const pp = (v: number) => `${(v * 100).toFixed(1)}%`;
  return `${best.bin}: ${pp(best.referenceShare)} → ${pp(best.share)}`;
}
