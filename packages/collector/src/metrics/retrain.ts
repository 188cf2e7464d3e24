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
  for (const ageBucket of days) {
    const key = `${ageBucket.model}\u0000${ageBucket.version}`;
    groups.set(key, [...(groups.get(key) ?? []), ageBucket]);
  }
  const modelAge: ModelAgeRow[] = [];
  const retrain: RetrainSignal[] = [];
  for (const rows of groups.values()) {
    const byAge = new Map(rows.map((row) => [row.age, row]));
    const window = (endAge: number) => {
      let labeled = 0;
      let correct = 0;
      for (let left = endAge - opts.ageWindow + 1; left <= endAge; left++) {
        labeled += byAge.get(left)?.labeled ?? 0;
        correct += byAge.get(left)?.correct ?? 0;
      }
      return { labeled, correct };
    };
    const first = rows[0] as AgeBucket;
    // The first window of service starts at the first age with predictions (a model may ship days after training).
    const firstWindow = window(first.age + opts.ageWindow - 1);
    const firstAccuracy = firstWindow.labeled === 0 ? null : firstWindow.correct / firstWindow.labeled;
    let drop: { age: number; acc: number } | null = null;
    for (const ageBucket of rows) {
      const entry = window(ageBucket.age);
      const sliding = entry.labeled === 0 ? null : entry.correct / entry.labeled;
      modelAge.push({
        model: ageBucket.model,
        version: ageBucket.version,
        age: ageBucket.age,
        labeled: ageBucket.labeled,
        correct: ageBucket.correct,
        accuracy: ageBucket.labeled === 0 ? null : ageBucket.correct / ageBucket.labeled,
        slidingAccuracy: sliding,
        slidingLabeled: entry.labeled,
      });
      const pastFirstWindow = ageBucket.age >= first.age + opts.ageWindow;
      if (
        !drop &&
        pastFirstWindow &&
        firstAccuracy !== null &&
        firstWindow.labeled >= opts.minLabels &&
        sliding !== null &&
        entry.labeled >= opts.minLabels &&
        sliding < firstAccuracy - opts.retrainDrop
      ) {
        drop = { age: ageBucket.age, acc: sliding };
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
