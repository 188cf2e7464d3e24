import { statement, verdict } from "./age-verdict.js";
import type { PairWindow, VersionWindow } from "./challenger.js";
import type { AgeEffectRow, ConfoundingRow, SameWindowRow, VersionRole } from "./challenger-types.js";
import { type Difference, pairedDifference, unpairedDifference } from "./paired-tests.js";
import { iso } from "./run.js";
import type { ModelAgeRow, QualityRow, RetrainSignal, VersionRow } from "./types.js";

export interface AgeEffectOptions {
  window: "hour" | "day" | "week";
  ageUnit: "hour" | "day";
  ageUnitMs: number;
  ageWindow: number;
  minLabels: number;
  /** A change of accuracy this large (both versions, same days) is called a fall or a rise of calendar time. */
  retrainDrop: number;
}
interface Inputs {
  /** The report's quality rows: which models have labels, and how many versions served each. */
  quality: readonly Pick<QualityRow, "model" | "version" | "volume" | "labeled">[];
  /** Labeled accuracy per version and window, of the models whose versions served in the same window. */
  windows: VersionWindow[];
  pairs: PairWindow[];
  versions: VersionRow[];
  retrain: RetrainSignal[];
  modelAge: ModelAgeRow[];
}

const roleOf = (versionWindow: VersionWindow): VersionRole =>
  versionWindow.shadow === 0
    ? "shown"
    : versionWindow.shadow === versionWindow.predictions
      ? "shadow"
      : "shown and shadow";

/**
 * The versions of each model compared on the same windows, the age effect where two overlap, and whether age and
 * calendar time are confounded (docs/metrics.md, "Age or calendar time"). Pure: the store's counts in, rows out.
 */
export function compareVersions(
  inputs: Inputs,
  options: AgeEffectOptions,
): { sameWindow: SameWindowRow[]; ageEffect: AgeEffectRow[]; confounding: ConfoundingRow[] } {
  const sameWindow: SameWindowRow[] = [];
  const ageEffect: AgeEffectRow[] = [];
  const confounding: ConfoundingRow[] = [];
  const models = [...new Set(inputs.quality.filter((query) => query.labeled > 0).map((query) => query.model))].sort();
  for (const model of models) {
    const served = new Set(
      inputs.quality.filter((query) => query.model === model && query.volume > 0).map((query) => query.version),
    ).size;
    const labeled = inputs.windows.filter((window) => window.model === model && window.labeled > 0);
    const byVersion = new Map<string, Map<number, VersionWindow>>();
    for (const versionWindow of labeled)
      byVersion.set(
        versionWindow.version,
        (byVersion.get(versionWindow.version) ?? new Map()).set(versionWindow.windowMs, versionWindow),
      );
    const info = new Map(inputs.versions.filter((version) => version.model === model).map((row) => [row.version, row]));
    // Older first: by trainedAt where both have it, else by first prediction, then by name.
    const since = (value: string) => Date.parse(info.get(value)?.trainedAt ?? info.get(value)?.firstSeen ?? "") || 0;
    const ordered = [...byVersion.keys()].sort(
      (left, right) => since(left) - since(right) || (left < right ? -1 : left > right ? 1 : 0),
    );
    const shared = new Set<number>();
    let pairedRequests = 0;
    for (let index = 0; index < ordered.length; index++) {
      for (let inner = index + 1; inner < ordered.length; inner++) {
        const older = ordered[index] as string;
        const newer = ordered[inner] as string;
        const rows = comparePair(model, older, newer, byVersion, inputs.pairs);
        if (rows.length === 0) continue;
        for (const row of rows) shared.add(Date.parse(row.windowStart));
        pairedRequests += rows.reduce((sum, row) => sum + row.paired, 0);
        sameWindow.push(...rows);
        ageEffect.push(pooled(model, older, newer, rows, byVersion, info, inputs, options));
      }
    }
    confounding.push(
      statement(
        model,
        served,
        [...shared].sort((left, right) => left - right),
        pairedRequests,
        options,
      ),
    );
  }
  return { sameWindow, ageEffect, confounding };
}

/** One row per window in which both versions had labeled predictions. */
function comparePair(
  model: string,
  older: string,
  newer: string,
  byVersion: Map<string, Map<number, VersionWindow>>,
  pairs: PairWindow[],
): SameWindowRow[] {
  const out: SameWindowRow[] = [];
  const left = byVersion.get(older) as Map<number, VersionWindow>;
  const right = byVersion.get(newer) as Map<number, VersionWindow>;
  for (const ms of [...left.keys()].filter((index) => right.has(index)).sort((left, right) => left - right)) {
    const wa = left.get(ms) as VersionWindow;
    const wb = right.get(ms) as VersionWindow;
    const pair = pairs.find(
      (pair) =>
        pair.model === model && pair.windowMs === ms && new Set([pair.first, pair.second, older, newer]).size === 2,
    );
    const olderFirst = pair?.first === older;
    const olderOnly = pair ? (olderFirst ? pair.firstOnly : pair.secondOnly) : 0;
    const newerOnly = pair ? (olderFirst ? pair.secondOnly : pair.firstOnly) : 0;
    const paired = pair?.pairs ?? 0;
    const difference: Difference =
      paired > 0
        ? pairedDifference(paired, olderOnly, newerOnly)
        : unpairedDifference(wa.labeled, wa.correct, wb.labeled, wb.correct);
    out.push({
      model,
      windowStart: iso(ms),
      older,
      newer,
      olderRole: roleOf(wa),
      newerRole: roleOf(wb),
      olderLabeled: wa.labeled,
      olderAccuracy: wa.correct / wa.labeled,
      newerLabeled: wb.labeled,
      newerAccuracy: wb.correct / wb.labeled,
      paired,
      olderOnlyRight: olderOnly,
      newerOnlyRight: newerOnly,
      method: paired > 0 ? "paired" : "unpaired",
      ...difference,
    });
  }
  return out;
}

/** The shared windows pooled: paired when any window had pairs (on the pairs only), else unpaired. */
function pooled(
  model: string,
  older: string,
  newer: string,
  rows: SameWindowRow[],
  byVersion: Map<string, Map<number, VersionWindow>>,
  info: Map<string, VersionRow>,
  inputs: Inputs,
  options: AgeEffectOptions,
): AgeEffectRow {
  const sum = (field: (row: SameWindowRow) => number) => rows.reduce((acc, row) => acc + field(row), 0);
  const pairs = sum((row) => row.paired);
  let count: number;
  let data: Difference | null;
  if (pairs > 0) {
    count = pairs;
    data = pairedDifference(
      pairs,
      sum((row) => row.olderOnlyRight),
      sum((row) => row.newerOnlyRight),
    );
  } else {
    const counts = (version: string) => {
      const versionWindows = rows.map(
        (row) => byVersion.get(version)?.get(Date.parse(row.windowStart)) as VersionWindow,
      );
      return {
        labeled: versionWindows.reduce((acc, versionWindow) => acc + versionWindow.labeled, 0),
        correct: versionWindows.reduce((acc, versionWindow) => acc + versionWindow.correct, 0),
      };
    };
    const left = counts(older);
    const right = counts(newer);
    count = Math.min(left.labeled, right.labeled);
    data = unpairedDifference(left.labeled, left.correct, right.labeled, right.correct);
  }
  const enough = count >= options.minLabels;
  if (!enough) data = null;
  const trainedOlder = info.get(older)?.trainedAt;
  const trainedNewer = info.get(newer)?.trainedAt;
  const ageGap =
    trainedOlder && trainedNewer ? (Date.parse(trainedNewer) - Date.parse(trainedOlder)) / options.ageUnitMs : null;
  const perUnit = (value: number) => (data && ageGap !== null && ageGap > 0 ? -value / ageGap : null);
  // The older version's drop, and the ages between its first window and the window where the signal fired.
  const signal = inputs.retrain.find(
    (retrainSignal) => retrainSignal.model === model && retrainSignal.version === older,
  );
  const ages = inputs.modelAge.filter((row) => row.model === model && row.version === older).map((row) => row.age);
  const dropAge = signal?.dropAge ?? null;
  const olderDrop =
    signal && dropAge !== null && signal.firstWindowAccuracy !== null && signal.dropAccuracy !== null
      ? signal.firstWindowAccuracy - signal.dropAccuracy
      : null;
  const span = dropAge !== null && ages.length > 0 ? dropAge - Math.min(...ages) - (options.ageWindow - 1) : null;
  const first = rows[0] as SameWindowRow;
  const last = rows[rows.length - 1] as SameWindowRow;
  const change = (left: number | null, bytes: number | null) =>
    rows.length > 1 && left !== null && bytes !== null ? bytes - left : null;
  const explains = (value: number | null) =>
    value !== null && span !== null && span > 0 && olderDrop !== null ? -value * span : null;
  const row: AgeEffectRow = {
    model,
    older,
    newer,
    windows: rows.length,
    firstWindow: first.windowStart,
    lastWindow: last.windowStart,
    ageGap,
    method: pairs > 0 ? "paired" : "unpaired",
    n: count,
    difference: data?.difference ?? null,
    ciLow: data?.ciLow ?? null,
    ciHigh: data?.ciHigh ?? null,
    pValue: data?.pValue ?? null,
    perAgeUnit: data ? perUnit(data.difference) : null,
    // −difference / gap: the interval's ends swap.
    perAgeUnitLow: data ? perUnit(data.ciHigh) : null,
    perAgeUnitHigh: data ? perUnit(data.ciLow) : null,
    olderChange: change(first.olderAccuracy, last.olderAccuracy),
    newerChange: change(first.newerAccuracy, last.newerAccuracy),
    olderDropAge: dropAge,
    olderDrop,
    ageExplains: null,
    ageExplainsLow: null,
    ageExplainsHigh: null,
    calendarRest: null,
    verdict: "",
  };
  row.ageExplains = explains(row.perAgeUnit);
  row.ageExplainsLow = explains(row.perAgeUnitHigh);
  row.ageExplainsHigh = explains(row.perAgeUnitLow);
  row.calendarRest = row.ageExplains !== null && olderDrop !== null ? olderDrop - row.ageExplains : null;
  row.verdict = verdict(row, options);
  return row;
}
