import type { ModelAgeRow, RetrainSignal } from "./types.js";

/** Labeled and correct predictions of a model version at one model age (whole age units since training). */
export interface AgeBucket {
  model: string;
  version: string;
  age: number;
  labeled: number;
  correct: number;
}

/**
 * Sliding accuracy by model age and the retrain signal. The store has summed labels per age unit (hour or
 * day); summing those few rows over a window here is exact (counts add), whatever the event volume.
 */
export function ageing(
  days: AgeBucket[],
  opts: { ageWindow: number; retrainDrop: number; minLabels: number },
): { modelAge: ModelAgeRow[]; retrain: RetrainSignal[] } {
  const groups = new Map<string, AgeBucket[]>();
  for (const d of days) {
    const key = `${d.model}\u0000${d.version}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const modelAge: ModelAgeRow[] = [];
  const retrain: RetrainSignal[] = [];
  for (const rows of groups.values()) {
    const byAge = new Map(rows.map((r) => [r.age, r]));
    const window = (endAge: number) => {
      let labeled = 0;
      let correct = 0;
      for (let a = endAge - opts.ageWindow + 1; a <= endAge; a++) {
        labeled += byAge.get(a)?.labeled ?? 0;
        correct += byAge.get(a)?.correct ?? 0;
      }
      return { labeled, correct };
    };
    const first = rows[0] as AgeBucket;
    // The first window of service starts at the first age with predictions (a model may ship days after training).
    const firstWindow = window(first.age + opts.ageWindow - 1);
    const firstAccuracy = firstWindow.labeled === 0 ? null : firstWindow.correct / firstWindow.labeled;
    let drop: { age: number; acc: number } | null = null;
    for (const r of rows) {
      const w = window(r.age);
      const sliding = w.labeled === 0 ? null : w.correct / w.labeled;
      modelAge.push({
        model: r.model,
        version: r.version,
        age: r.age,
        labeled: r.labeled,
        correct: r.correct,
        accuracy: r.labeled === 0 ? null : r.correct / r.labeled,
        slidingAccuracy: sliding,
        slidingLabeled: w.labeled,
      });
      const pastFirstWindow = r.age >= first.age + opts.ageWindow;
      if (
        !drop &&
        pastFirstWindow &&
        firstAccuracy !== null &&
        firstWindow.labeled >= opts.minLabels &&
        sliding !== null &&
        w.labeled >= opts.minLabels &&
        sliding < firstAccuracy - opts.retrainDrop
      ) {
        drop = { age: r.age, acc: sliding };
      }
    }
    retrain.push({
      model: first.model,
      version: first.version,
      firstWindowAccuracy: firstAccuracy,
      firstWindowLabeled: firstWindow.labeled,
      dropAge: drop?.age ?? null,
      dropAccuracy: drop?.acc ?? null,
    });
  }
  return { modelAge, retrain };
}
