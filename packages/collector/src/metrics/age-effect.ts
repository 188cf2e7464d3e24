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

const pts = (v: number, signed = false, digits = 1): string =>
  `${signed && v > 0 ? "+" : ""}${(v * 100).toFixed(digits)}`;
const amount = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
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

function verdict(r: AgeEffectRow, o: AgeEffectOptions): string {
  const u = o.ageUnit === "hour" ? "h" : "d";
  if (r.difference === null || r.ciLow === null || r.ciHigh === null) {
    return `too few labeled requests to compare ${r.older} and ${r.newer}: ${r.n} < minLabels ${o.minLabels}`;
  }
  const younger = r.ageGap === null ? "" : ` (${amount(Number(r.ageGap.toFixed(1)))} ${u} younger)`;
  const diff = `${pts(r.difference, true)} pts (95% CI ${pts(r.ciLow, true)} to ${pts(r.ciHigh, true)})`;
  const where = `on the same ${o.window}s, ${r.newer}${younger}`;
  const parts: string[] = [];
  if (r.ciLow > 0) {
    const rate = r.perAgeUnit === null ? "" : `: ${pts(r.perAgeUnit, true, 2)} pts per ${o.ageUnit} of age`;
    parts.push(`${where} was more accurate than ${r.older} by ${diff}${rate}`);
  } else if (r.ciHigh < 0) {
    parts.push(
      `${where} was less accurate than ${r.older} by ${diff}: the versions differ by more than their age, so this pair measures no age effect`,
    );
  } else {
    parts.push(`${where} was not measurably more accurate than ${r.older}: ${diff}`);
  }
  const a = r.olderChange;
  const b = r.newerChange;
  if (
    a !== null &&
    b !== null &&
    Math.sign(a) === Math.sign(b) &&
    Math.min(Math.abs(a), Math.abs(b)) >= o.retrainDrop
  ) {
    const apart = r.ageGap === null ? "at different ages" : `${amount(Number(r.ageGap.toFixed(1)))} ${u} apart in age`;
    // Both versions also aged between the two windows: what the age effect gives for that time is set aside.
    const aged = (Date.parse(r.lastWindow) - Date.parse(r.firstWindow)) / o.ageUnitMs;
    const ofAge =
      r.perAgeUnit === null
        ? ""
        : ` beyond the ${pts(Math.abs(r.perAgeUnit * aged))} pts that ${amount(aged)} ${u} of age explain`;
    parts.push(
      `from the ${o.window} of ${r.firstWindow.slice(0, 10)} to that of ${r.lastWindow.slice(0, 10)} both ${a < 0 ? "fell" : "rose"} on the same days, ${r.older} by ${pts(Math.abs(a))} pts and ${r.newer} by ${pts(Math.abs(b))}, though ${apart}: a change both show at once is calendar time (the world changed)${ofAge}`,
    );
  }
  if (r.ciHigh >= 0 && r.olderDrop !== null && r.ageExplains !== null && r.calendarRest !== null) {
    const lo = Math.max(0, r.ageExplainsLow ?? 0);
    const hi = Math.max(0, r.ageExplainsHigh ?? 0);
    const most =
      hi < r.olderDrop / 2
        ? "most of the drop is calendar time"
        : lo > r.olderDrop / 2
          ? "most of the drop is age"
          : "age and calendar time both count";
    parts.push(
      `of the ${pts(r.olderDrop)}-pt drop of ${r.older} at age ${r.olderDropAge} ${u}, age accounts for ${pts(Math.max(0, r.ageExplains))} pts (${pts(lo)} to ${pts(hi)}) and calendar time for the other ${pts(r.olderDrop - Math.max(0, r.ageExplains))}: ${most}`,
    );
  }
  return parts.join("; ");
}

function statement(
  model: string,
  versions: number,
  shared: number[],
  pairedRequests: number,
  o: AgeEffectOptions,
): ConfoundingRow {
  const w = o.window;
  const base = { model, versions, overlappingWindows: shared.length, pairedRequests };
  if (shared.length === 0) {
    const why =
      versions <= 1
        ? `one version served the whole report`
        : `${versions} versions, but never two labeled in the same ${w}`;
    return {
      ...base,
      confounded: true,
      statement: `age and calendar time are confounded: ${why}, so accuracy by model age is accuracy by calendar ${w} (a change at some age may be the world changing that ${w}); log a challenger (\`shadow: true\`) beside the live version to tell them apart`,
    };
  }
  const span = `${iso(shared[0] as number).slice(0, 10)} to ${iso(shared[shared.length - 1] as number).slice(0, 10)}`;
  const how =
    pairedRequests > 0
      ? `${pairedRequests} labeled requests scored by two versions`
      : "two versions on different requests (unpaired: no challenger)";
  return {
    ...base,
    confounded: false,
    statement: `age and calendar time are told apart on ${shared.length} ${w}${shared.length === 1 ? "" : "s"} (${span}): ${how}; outside them they stay confounded`,
  };
}
