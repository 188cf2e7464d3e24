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
export function featuresByDrift(report: Report): FeatureDrift[] {
  const byFeature = new Map<string, DriftRow[]>();
  for (const row of report.drift) {
    const key = `${row.model}\u0000${row.feature}`;
    byFeature.set(key, [...(byFeature.get(key) ?? []), row]);
  }
  const out: FeatureDrift[] = [];
  for (const rows of byFeature.values()) {
    const sorted = [...rows].sort((left, right) => left.windowStart.localeCompare(right.windowStart));
    const worst = sorted.reduce((total, row) => (row.psi > total.psi ? row : total));
    out.push({
      model: worst.model,
      feature: worst.feature,
      rows: sorted,
      worst,
      latest: sorted[sorted.length - 1] as DriftRow,
    });
  }
  return out.sort(
    (left, right) =>
      right.worst.psi - left.worst.psi ||
      left.model.localeCompare(right.model) ||
      left.feature.localeCompare(right.feature),
  );
}

/** The bin whose share moved most between the reference and `row`'s window: the direction in one phrase. */
export function largestShift(row: DriftRow): string {
  let best: DriftRow["bins"][number] | undefined;
  for (const driftBinShare of row.bins) {
    if (
      !best ||
      Math.abs(driftBinShare.share - driftBinShare.referenceShare) > Math.abs(best.share - best.referenceShare)
    )
      best = driftBinShare;
  }
  if (!best) return "–";
  const pp = (value: number) => `${(value * 100).toFixed(1)}%`;
  return `${best.bin}: ${pp(best.referenceShare)} → ${pp(best.share)}`;
}
