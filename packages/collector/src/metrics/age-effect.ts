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

const roleOf = (w: VersionWindow): VersionRole =>
  w.shadow === 0 ? "shown" : w.shadow === w.predictions ? "shadow" : "shown and shadow";

/**
 * The versions of each model compared on the same windows, the age effect where two overlap, and whether age and
 * calendar time are confounded (docs/metrics.md, "Age or calendar time"). Pure: the store's counts in, rows out.
 */
export function compareVersions(
  x: Inputs,
  o: AgeEffectOptions,
): { sameWindow: SameWindowRow[]; ageEffect: AgeEffectRow[]; confounding: ConfoundingRow[] } {
  const sameWindow: SameWindowRow[] = [];
  const ageEffect: AgeEffectRow[] = [];
  const confounding: ConfoundingRow[] = [];
  const models = [...new Set(x.quality.filter((q) => q.labeled > 0).map((q) => q.model))].sort();
  for (const model of models) {
    const served = new Set(x.quality.filter((q) => q.model === model && q.volume > 0).map((q) => q.version)).size;
    const labeled = x.windows.filter((w) => w.model === model && w.labeled > 0);
    const byVersion = new Map<string, Map<number, VersionWindow>>();
    for (const w of labeled) byVersion.set(w.version, (byVersion.get(w.version) ?? new Map()).set(w.windowMs, w));
    const info = new Map(x.versions.filter((v) => v.model === model).map((v) => [v.version, v]));
    // Older first: by trainedAt where both have it, else by first prediction, then by name.
    const since = (v: string) => Date.parse(info.get(v)?.trainedAt ?? info.get(v)?.firstSeen ?? "") || 0;
    const ordered = [...byVersion.keys()].sort((a, b) => since(a) - since(b) || (a < b ? -1 : a > b ? 1 : 0));
    const shared = new Set<number>();
    let pairedRequests = 0;
    for (let i = 0; i < ordered.length; i++) {
      for (let j = i + 1; j < ordered.length; j++) {
        const older = ordered[i] as string;
        const newer = ordered[j] as string;
        const rows = comparePair(model, older, newer, byVersion, x.pairs);
        if (rows.length === 0) continue;
        for (const r of rows) shared.add(Date.parse(r.windowStart));
        pairedRequests += rows.reduce((sum, r) => sum + r.paired, 0);
        sameWindow.push(...rows);
        ageEffect.push(pooled(model, older, newer, rows, byVersion, info, x, o));
      }
    }
    confounding.push(
      statement(
        model,
        served,
        [...shared].sort((a, b) => a - b),
        pairedRequests,
        o,
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
  const a = byVersion.get(older) as Map<number, VersionWindow>;
  const b = byVersion.get(newer) as Map<number, VersionWindow>;
  for (const ms of [...a.keys()].filter((k) => b.has(k)).sort((p, q) => p - q)) {
    const wa = a.get(ms) as VersionWindow;
    const wb = b.get(ms) as VersionWindow;
    const pair = pairs.find(
      (p) => p.model === model && p.windowMs === ms && new Set([p.first, p.second, older, newer]).size === 2,
    );
    const olderFirst = pair?.first === older;
    const olderOnly = pair ? (olderFirst ? pair.firstOnly : pair.secondOnly) : 0;
    const newerOnly = pair ? (olderFirst ? pair.secondOnly : pair.firstOnly) : 0;
    const paired = pair?.pairs ?? 0;
    const d: Difference =
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
      ...d,
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
  x: Inputs,
  o: AgeEffectOptions,
): AgeEffectRow {
  const sum = (f: (r: SameWindowRow) => number) => rows.reduce((acc, r) => acc + f(r), 0);
  const pairs = sum((r) => r.paired);
  let n: number;
  let d: Difference | null;
  if (pairs > 0) {
    n = pairs;
    d = pairedDifference(
      pairs,
      sum((r) => r.olderOnlyRight),
      sum((r) => r.newerOnlyRight),
    );
  } else {
    const counts = (version: string) => {
      const w = rows.map((r) => byVersion.get(version)?.get(Date.parse(r.windowStart)) as VersionWindow);
      return { labeled: w.reduce((acc, v) => acc + v.labeled, 0), correct: w.reduce((acc, v) => acc + v.correct, 0) };
    };
    const a = counts(older);
    const b = counts(newer);
    n = Math.min(a.labeled, b.labeled);
    d = unpairedDifference(a.labeled, a.correct, b.labeled, b.correct);
  }
  const enough = n >= o.minLabels;
  if (!enough) d = null;
  const trainedOlder = info.get(older)?.trainedAt;
  const trainedNewer = info.get(newer)?.trainedAt;
  const ageGap =
    trainedOlder && trainedNewer ? (Date.parse(trainedNewer) - Date.parse(trainedOlder)) / o.ageUnitMs : null;
  const perUnit = (v: number) => (d && ageGap !== null && ageGap > 0 ? -v / ageGap : null);
  // The older version's drop, and the ages between its first window and the window where the signal fired.
  const signal = x.retrain.find((r) => r.model === model && r.version === older);
  const ages = x.modelAge.filter((r) => r.model === model && r.version === older).map((r) => r.age);
  const dropAge = signal?.dropAge ?? null;
  const olderDrop =
    signal && dropAge !== null && signal.firstWindowAccuracy !== null && signal.dropAccuracy !== null
      ? signal.firstWindowAccuracy - signal.dropAccuracy
      : null;
  const span = dropAge !== null && ages.length > 0 ? dropAge - Math.min(...ages) - (o.ageWindow - 1) : null;
  const first = rows[0] as SameWindowRow;
  const last = rows[rows.length - 1] as SameWindowRow;
  const change = (a: number | null, b: number | null) => (rows.length > 1 && a !== null && b !== null ? b - a : null);
  const explains = (v: number | null) =>
    v !== null && span !== null && span > 0 && olderDrop !== null ? -v * span : null;
  const row: AgeEffectRow = {
    model,
    older,
    newer,
    windows: rows.length,
    firstWindow: first.windowStart,
    lastWindow: last.windowStart,
    ageGap,
    method: pairs > 0 ? "paired" : "unpaired",
    n,
    difference: d?.difference ?? null,
    ciLow: d?.ciLow ?? null,
    ciHigh: d?.ciHigh ?? null,
    pValue: d?.pValue ?? null,
    perAgeUnit: d ? perUnit(d.difference) : null,
    // −difference / gap: the interval's ends swap.
    perAgeUnitLow: d ? perUnit(d.ciHigh) : null,
    perAgeUnitHigh: d ? perUnit(d.ciLow) : null,
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
  row.verdict = verdict(row, o);
  return row;
}
