import { ConfigError, intOption, LIMITS, checkOption as need, showValue } from "@inferlog/core";
import { DEFAULT_OUTCOME_TTL_SECONDS } from "../store/types.js";
import { type ReportSection, resolveSections } from "./sections.js";
import { MONDAY_MS } from "./sql-common.js";

export const WINDOWS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
export type WindowName = keyof typeof WINDOWS;
export const DEFAULT_K = 3;
export const MAX_K = 20;
export const DEFAULT_RETRAIN_DROP = 0.05;
export const DEFAULT_MIN_LABELS = 30;
export const DEFAULT_AGE_WINDOW_DAYS = 7;
export const DEFAULT_AGE_WINDOW_HOURS = 24;
/** The label-free estimate is refused for a version whose top-score ECE is above this (label-free.ts). */
export const DEFAULT_MAX_ECE = 0.05;
/** Retrain recommendation: the share of shown items newer than the model's data at which it is stale (recommendation.ts). */
export const DEFAULT_FRESHNESS_SHARE = 0.2;
/** Model age is counted in hours for hourly reports (models retrained within a day), else in days. */
export const AGE_UNITS = { hour: 3_600_000, day: 86_400_000 } as const;
export type AgeUnit = keyof typeof AGE_UNITS;
export const ageUnitOf = (window: WindowName): AgeUnit => (window === "hour" ? "hour" : "day");

/** What a report covers. Times are RFC 3339 strings or ms since the epoch. */
export interface ReportOptions {
  /** Only this model name (default: every model). */
  model?: string;
  /** Calendar windows in UTC; weeks start on Monday (default `week`). */
  window?: WindowName;
  /** hit@1..k and NDCG@k (default 3). */
  k?: number;
  /** Predictions from this time (inclusive) ... */
  from?: string | number;
  /** ... to this time (exclusive). */
  to?: string | number;
  /** "Now" for label coverage: predictions whose outcome TTL has passed by then are due (default: the clock). */
  now?: string | number;
  /** Drift reference window (default: the first report window of each model's data). */
  referenceFrom?: string | number;
  referenceTo?: string | number;
  /** Retrain signal: how far (absolute accuracy) below its first week a model may fall (default 0.05). */
  retrainDrop?: number;
  /** Fewest labels a sliding model-age window needs to count in the retrain signal (default 30). */
  minLabels?: number;
  /** Width of the sliding model-age windows in days, for daily and weekly reports (default 7). */
  ageWindowDays?: number;
  /** Width of the sliding model-age windows in hours, for hourly reports (default 24). */
  ageWindowHours?: number;
  /** Applied to predictions without `outcomeTtlSeconds` (default 7 days). */
  defaultOutcomeTtlSeconds?: number;
  /** Largest calibration error (ECE) at which the label-free accuracy estimate is still given (default 0.05). */
  maxEce?: number;
  /** Share of shown items newer than the model's data cutoff at which the recommendation calls it stale (default 0.2). */
  freshnessShare?: number;
  /**
   * Only these sections (sections.ts: orphans, calibration, drift, feedback, items, business, challengers,
   * recommendations) besides the ones always computed; the sections they read come too (default: all). The others
   * are empty lists, and `Report.sections` lists what was computed: a monitor reads only what its rules judge.
   */
  sections?: readonly ReportSection[];
  /**
   * Drift rows only for the windows from the one holding this time (still against each model's first window, or
   * the explicit reference): the drift of recent weeks of a long history without reading the weeks between. A
   * recommendation weighs the latest drift window the report has, so a model whose drift ends before is not weighed.
   */
  driftFrom?: string | number;
}

export interface ResolvedReportOptions {
  model: string | undefined;
  window: WindowName;
  windowMs: number;
  k: number;
  fromMs: number;
  toMs: number;
  nowMs: number;
  referenceFromMs: number | undefined;
  referenceToMs: number | undefined;
  retrainDrop: number;
  minLabels: number;
  ageWindowDays: number;
  ageWindowHours: number;
  /** The unit of model age: `hour` for hourly reports, else `day`. */
  ageUnit: AgeUnit;
  ageUnitMs: number;
  /** Width of the sliding model-age windows in `ageUnit`s (ageWindowHours or ageWindowDays). */
  ageWindow: number;
  ttlSeconds: number;
  maxEce: number;
  freshnessShare: number;
  /** The sections computed, with the ones they read (sections.ts). */
  sections: readonly ReportSection[];
  /** Where drift's window counts start: `fromMs`, or the start of the window holding `driftFrom` if later. */
  driftFromMs: number;
}

const KEYS = new Set([
  "model",
  "window",
  "k",
  "from",
  "to",
  "now",
  "referenceFrom",
  "referenceTo",
  "retrainDrop",
  "minLabels",
  "ageWindowDays",
  "ageWindowHours",
  "defaultOutcomeTtlSeconds",
  "maxEce",
  "freshnessShare",
  "sections",
  "driftFrom",
]);

/**
 * Whether a `YYYY-MM-DD…` text starts with a day of the calendar: Date.parse takes 2026-02-30 as
 * 2 March, so a mistyped day would silently move the report's range.
 */
function calendarDay(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  // Day 0 of the next month is the last day of this one.
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function time(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d{4}-\d\d-\d\d/.test(value) && calendarDay(value)
        ? Date.parse(value)
        : Number.NaN;
  need(Number.isFinite(ms), name, "an RFC 3339 time or ms since the epoch", value);
  return Math.trunc(ms);
}

/** Checks report options, naming the field and the problem. */
export function resolveReportOptions(
  options: ReportOptions = {},
  clock: () => number = Date.now,
): ResolvedReportOptions {
  if (options === null || typeof options !== "object") {
    throw new ConfigError(`Expected report options to be an object, got \`${showValue(options)}\``);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new ConfigError(`Unknown report option \`${key}\` (known: ${[...KEYS].join(", ")})`);
  }
  need(
    options.model === undefined ||
      // Counted in code points, as the event contract counts a model name: every name the collector stores passes.
      (typeof options.model === "string" &&
        options.model.length > 0 &&
        [...options.model].length <= LIMITS.maxNameLength),
    "model",
    "a model name (1 to 256 characters)",
    options.model,
  );
  const window = options.window ?? "week";
  // The typeof first: Object.hasOwn turns its key into a string, which throws for a null-prototype object.
  need(typeof window === "string" && Object.hasOwn(WINDOWS, window), "window", "one of hour, day, week", window);
  const fromMs = time("from", options.from, 0);
  const toMs = time("to", options.to, 8_640_000_000_000_000);
  if (toMs <= fromMs) throw new ConfigError(`Expected \`to\` to be after \`from\`, got from ${fromMs} and to ${toMs}`);
  // Aligned as the windows' own SQL aligns them (sql-common.ts windowStart), so its first window is whole.
  const driftFrom = time("driftFrom", options.driftFrom, fromMs);
  if (driftFrom >= toMs) {
    throw new ConfigError(`Expected \`driftFrom\` to be before \`to\`, got driftFrom ${driftFrom} and to ${toMs}`);
  }
  const driftFromMs = Math.max(
    fromMs,
    driftFrom - ((driftFrom - (window === "week" ? MONDAY_MS : 0)) % WINDOWS[window]),
  );
  const referenceFromMs =
    options.referenceFrom === undefined ? undefined : time("referenceFrom", options.referenceFrom, 0);
  const referenceToMs = options.referenceTo === undefined ? undefined : time("referenceTo", options.referenceTo, 0);
  if ((referenceFromMs === undefined) !== (referenceToMs === undefined)) {
    throw new ConfigError("Expected `referenceFrom` and `referenceTo` together, got only one of them");
  }
  if (referenceFromMs !== undefined && referenceToMs !== undefined && referenceToMs <= referenceFromMs) {
    throw new ConfigError(
      `Expected \`referenceTo\` to be after \`referenceFrom\`, got referenceFrom ${referenceFromMs} and referenceTo ${referenceToMs}`,
    );
  }
  const drop = options.retrainDrop ?? DEFAULT_RETRAIN_DROP;
  const ageWindowDays = intOption("ageWindowDays", options.ageWindowDays, DEFAULT_AGE_WINDOW_DAYS, 1, 365);
  const ageWindowHours = intOption("ageWindowHours", options.ageWindowHours, DEFAULT_AGE_WINDOW_HOURS, 1, 24 * 365);
  const ageUnit = ageUnitOf(window);
  const maxEce = options.maxEce ?? DEFAULT_MAX_ECE;
  const freshnessShare = options.freshnessShare ?? DEFAULT_FRESHNESS_SHARE;
  need(
    typeof freshnessShare === "number" && freshnessShare > 0 && freshnessShare < 1,
    "freshnessShare",
    "a number between 0 and 1 (exclusive)",
    freshnessShare,
  );
  need(
    typeof maxEce === "number" && maxEce > 0 && maxEce < 1,
    "maxEce",
    "a number between 0 and 1 (exclusive)",
    maxEce,
  );
  need(typeof drop === "number" && drop > 0 && drop < 1, "retrainDrop", "a number between 0 and 1 (exclusive)", drop);
  return {
    model: options.model,
    window,
    windowMs: WINDOWS[window],
    k: intOption("k", options.k, DEFAULT_K, 1, MAX_K),
    fromMs,
    toMs,
    nowMs: time("now", options.now, clock()),
    referenceFromMs,
    referenceToMs,
    retrainDrop: drop,
    minLabels: intOption("minLabels", options.minLabels, DEFAULT_MIN_LABELS, 1, 1_000_000_000),
    ageWindowDays,
    ageWindowHours,
    ageUnit,
    ageUnitMs: AGE_UNITS[ageUnit],
    ageWindow: ageUnit === "hour" ? ageWindowHours : ageWindowDays,
    maxEce,
    freshnessShare,
    sections: resolveSections(options.sections),
    driftFromMs,
    ttlSeconds: intOption(
      "defaultOutcomeTtlSeconds",
      options.defaultOutcomeTtlSeconds,
      DEFAULT_OUTCOME_TTL_SECONDS,
      1,
      2 ** 31,
    ),
  };
}

/** Whether the report computes `section` (sections.ts). */
export const computes = (options: ResolvedReportOptions, section: ReportSection): boolean =>
  options.sections.includes(section);
