import { ConfigError, intOption, checkOption as need } from "../errors.js";
import type { Clock } from "../runtime.js";
import { systemClock } from "../runtime.js";
import type { ModelInfo } from "../schema/events.js";
import { LIMITS } from "../schema/limits.js";
import { showValue } from "../show-value.js";

export const DEFAULT_RELATIVE_ACCURACY = 0.01;
export const DEFAULT_MAX_TOP_VALUES = 20;
export const DEFAULT_MAX_TRACKED_VALUES = 1000;
/** Columns kept per model and window: as many as one event may carry features. */
export const MAX_COLUMNS = LIMITS.maxFeatures;

export interface FeatureProfilerOptions {
  /** Window length in ms. Windows are aligned to multiples of it since the epoch, so every client's windows line up. */
  windowMs: number;
  /** Model of observations logged without one (default: the client's `model`). */
  model?: ModelInfo;
  /** Columns whose values never leave the process: no `topValues`, only counts and a distinct estimate. */
  sensitive?: readonly string[];
  /** DDSketch relative accuracy of numeric quantiles (default 0.01 = 1%). */
  relativeAccuracy?: number;
  /** Most frequent values shipped per categorical column (default 20, at most 100). */
  maxTopValues?: number;
  /** Distinct values counted exactly per column and window before switching to an estimate (default 1000). */
  maxTrackedValues?: number;
  /** Timers and "now" (default: the system clock, with unref'd timers). */
  clock?: Clock;
  /** Failures inside the profiler (it never throws into `observe`'s caller); default: a console warning. */
  onError?: (error: unknown) => void;
}

export interface ResolvedProfilerOptions {
  windowMs: number;
  model: ModelInfo | undefined;
  sensitive: ReadonlySet<string>;
  relativeAccuracy: number;
  maxTopValues: number;
  maxTrackedValues: number;
  clock: Clock;
  onError: ((error: unknown) => void) | undefined;
}

export function resolveProfilerOptions(options: FeatureProfilerOptions): ResolvedProfilerOptions {
  if (typeof options !== "object" || options === null)
    throw new ConfigError(`Expected profiler options to be an object, got \`${showValue(options)}\``);
  const ra = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  need(typeof ra === "number" && ra > 0 && ra < 1, "relativeAccuracy", "a number between 0 and 1 (exclusive)", ra);
  const sensitive = options.sensitive ?? [];
  need(
    Array.isArray(sensitive) && sensitive.every((text) => typeof text === "string"),
    "sensitive",
    "an array of feature names",
    sensitive,
  );
  need(
    options.onError === undefined || typeof options.onError === "function",
    "onError",
    "a function",
    options.onError,
  );
  return {
    windowMs: intOption("windowMs", options.windowMs, undefined, 1000, 31 * 86_400_000),
    model: options.model,
    sensitive: new Set(sensitive),
    relativeAccuracy: ra,
    maxTopValues: intOption("maxTopValues", options.maxTopValues, DEFAULT_MAX_TOP_VALUES, 0, LIMITS.maxTopValues),
    maxTrackedValues: intOption("maxTrackedValues", options.maxTrackedValues, DEFAULT_MAX_TRACKED_VALUES, 1, 100_000),
    clock: options.clock ?? systemClock,
    onError: options.onError,
  };
}
