/** Rows of the report's version comparison (challenger.ts, age-effect.ts): docs/metrics.md, "Age or calendar time". */

/** How a version's predictions in a window were logged: shown to users, as a challenger (`shadow: true`), or both. */
export type VersionRole = "shown" | "shadow" | "shown and shadow";

/**
 * Two versions of a model on the same report window (both with labeled predictions in it): the older (earlier
 * `trainedAt`; without it, the one seen first) against the newer. Paired when they scored the same requests.
 */
export interface SameWindowRow {
  model: string;
  windowStart: string;
  older: string;
  newer: string;
  olderRole: VersionRole;
  newerRole: VersionRole;
  /** Labeled predictions (label and outcome label known) of each version in the window, and their accuracy. */
  olderLabeled: number;
  olderAccuracy: number | null;
  newerLabeled: number;
  newerAccuracy: number | null;
  /** Labeled requests both versions scored; of them, right by the older only and by the newer only. */
  paired: number;
  olderOnlyRight: number;
  newerOnlyRight: number;
  /** "paired": on the `paired` requests (when there are any); "unpaired": each version's own labeled predictions. */
  method: "paired" | "unpaired";
  /** Newer − older accuracy, with its 95 % interval and two-sided p-value (McNemar exact / z test). */
  difference: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
}

/**
 * The age effect where two versions overlap: the same-window comparison pooled over every window they share,
 * read as accuracy per unit of model age under the assumption that the versions differ only in their age (a
 * retrain of the same pipeline on newer data), and set against the older version's drop (the retrain signal).
 */
export interface AgeEffectRow {
  model: string;
  older: string;
  newer: string;
  /** Report windows in which both had labeled predictions, first and last. */
  windows: number;
  firstWindow: string;
  lastWindow: string;
  /** `newer.trainedAt − older.trainedAt` in `Report.ageUnit`s: how much older the older version is on every day; null without trainedAt. */
  ageGap: number | null;
  method: "paired" | "unpaired";
  /** Pairs (paired) or the smaller version's labeled predictions (unpaired) over the shared windows. */
  n: number;
  difference: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  /** Accuracy change per age unit of age (−difference / ageGap: negative when a model loses accuracy as it ages), with its interval. */
  perAgeUnit: number | null;
  perAgeUnitLow: number | null;
  perAgeUnitHigh: number | null;
  /**
   * Each version's accuracy in the last shared window minus the first (null with one shared window): a change both
   * show on the same days, at ages `ageGap` apart, is calendar time.
   */
  olderChange: number | null;
  newerChange: number | null;
  /** The older version's drop (first window − the window where the retrain signal fired), and at what age. */
  olderDropAge: number | null;
  olderDrop: number | null;
  /** Of that drop, what the age effect accounts for over the ages between the two windows (interval), and the rest. */
  ageExplains: number | null;
  ageExplainsLow: number | null;
  ageExplainsHigh: number | null;
  calendarRest: number | null;
  /** The finding in words. */
  verdict: string;
}

/** Whether the report can tell a model's age from calendar time, said plainly. */
export interface ConfoundingRow {
  model: string;
  /** Versions with labeled predictions in the report. */
  versions: number;
  /** Report windows in which two or more versions had labeled predictions. */
  overlappingWindows: number;
  /** Labeled requests scored by two versions (challengers). */
  pairedRequests: number;
  confounded: boolean;
  statement: string;
}
