import type { ModelAgeRow, RetrainSignal } from "./types.js";

export interface AgeDay {
  model: string;
  version: string;
  ageDays: number;
  labeled: number;
  correct: number;
}

/**
 * Sliding accuracy by model age and the retrain signal. The store has summed labels per age day;
 * summing those few rows over a window here is exact (counts add), whatever the event volume.
 */
export function ageing(
  days: AgeDay[],
  opts: { ageWindowDays: number; retrainDrop: number; minLabels: number },
): { modelAge: ModelAgeRow[]; retrain: RetrainSignal[] } {
  const groups = new Map<string, AgeDay[]>();
  for (const d of days) {
    const key = `${d.model}\u0000${d.version}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const modelAge: ModelAgeRow[] = [];
  const retrain: RetrainSignal[] = [];
  for (const rows of groups.values()) {
    const byAge = new Map(rows.map((r) => [r.ageDays, r]));
    const window = (endAge: number) => {
      let labeled = 0;
      let correct = 0;
      for (let a = endAge - opts.ageWindowDays + 1; a <= endAge; a++) {
        labeled += byAge.get(a)?.labeled ?? 0;
        correct += byAge.get(a)?.correct ?? 0;
      }
      return { labeled, correct };
    };
    const first = rows[0] as AgeDay;
    // The first week of service starts at the first age day with predictions (a model may ship days after training).
    const firstWeek = window(first.ageDays + opts.ageWindowDays - 1);
    const firstAcc = firstWeek.labeled === 0 ? null : firstWeek.correct / firstWeek.labeled;
    let drop: { age: number; acc: number } | null = null;
    for (const r of rows) {
      const w = window(r.ageDays);
      const sliding = w.labeled === 0 ? null : w.correct / w.labeled;
      modelAge.push({
        model: r.model,
        version: r.version,
        ageDays: r.ageDays,
        labeled: r.labeled,
        correct: r.correct,
        accuracy: r.labeled === 0 ? null : r.correct / r.labeled,
        slidingAccuracy: sliding,
        slidingLabeled: w.labeled,
      });
      const pastFirstWeek = r.ageDays >= first.ageDays + opts.ageWindowDays;
      if (
        !drop &&
        pastFirstWeek &&
        firstAcc !== null &&
        firstWeek.labeled >= opts.minLabels &&
        sliding !== null &&
        w.labeled >= opts.minLabels &&
        sliding < firstAcc - opts.retrainDrop
      ) {
        drop = { age: r.ageDays, acc: sliding };
      }
    }
    retrain.push({
      model: first.model,
      version: first.version,
      firstWeekAccuracy: firstAcc,
      firstWeekLabeled: firstWeek.labeled,
      dropAgeDays: drop?.age ?? null,
      dropAccuracy: drop?.acc ?? null,
    });
  }
  return { modelAge, retrain };
}
