import {
  FORBIDDEN_KEYS,
  MAX_FEATURE_ARRAY_LENGTH,
  MAX_FEATURE_NAME_LENGTH,
  MAX_FEATURE_STRING_LENGTH,
  MAX_FEATURES,
} from "./schema/limits.js";

type Obj = Record<string, unknown>;

/**
 * A feature value (or name) that cannot be sent as given, and what is done with it: the event is
 * kept and only that value is changed or left out. The one table: messages and docs say the same.
 * In `strict` mode nothing is changed and the event is refused, naming the field.
 */
export const FEATURE_FIXES = {
  date: "a Date: sent as its ISO string (send `date.toISOString()` yourself)",
  non_finite: "NaN or Infinity: sent as null",
  bigint: "a BigInt: sent as a number (a string past 2^53)",
  long_string: `over ${MAX_FEATURE_STRING_LENGTH} characters: cut to ${MAX_FEATURE_STRING_LENGTH}`,
  undefined: "undefined: left out (send null for a missing value)",
  object: "an object: left out (flatten it into features such as `address.city`)",
  function: "a function or a symbol: left out",
  array: `not an array of at most ${MAX_FEATURE_ARRAY_LENGTH} strings: left out`,
  bad_key: `a name empty or over ${MAX_FEATURE_NAME_LENGTH} characters: left out`,
  over_limit: `past the first ${MAX_FEATURES} features: left out`,
} as const;

export type FeatureFix = keyof typeof FEATURE_FIXES;

/** Told each time a value is changed or left out, with the feature's name. */
export type FeatureFixed = (fix: FeatureFix, name: string) => void;

const tooLong = (text: string): boolean =>
  text.length > MAX_FEATURE_STRING_LENGTH && [...text].length > MAX_FEATURE_STRING_LENGTH;

/** What is wrong with `v` as a feature value, or undefined when it can be sent as it is. */
function fixFor(value: unknown): FeatureFix | undefined {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? undefined : "non_finite";
    case "string":
      return tooLong(value) ? "long_string" : undefined;
    case "boolean":
      return undefined;
    case "undefined":
      return "undefined";
    case "bigint":
      return "bigint";
    case "function":
    case "symbol":
      return "function";
  }
  if (value === null) return undefined;
  if (value instanceof Date) return "date";
  if (!Array.isArray(value)) return "object";
  return value.length <= MAX_FEATURE_ARRAY_LENGTH && value.every((item) => typeof item === "string" && !tooLong(item))
    ? undefined
    : "array";
}

/** The value sent for `v` after `fix` (undefined: left out). */
function fixedValue(fix: FeatureFix, value: unknown): unknown {
  if (fix === "non_finite") return null;
  if (fix === "date") {
    const ms = (value as Date).getTime();
    return Number.isNaN(ms) ? null : (value as Date).toISOString();
  }
  if (fix === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (fix === "long_string") return [...(value as string)].slice(0, MAX_FEATURE_STRING_LENGTH).join("");
  return undefined;
}

const badName = (name: string): boolean => name.length < 1 || name.length > MAX_FEATURE_NAME_LENGTH;

/**
 * The features with every value that cannot be sent fixed (see FEATURE_FIXES), each told to
 * `fixed`; past MAX_FEATURES the first ones are kept. The caller's object itself when nothing
 * needs fixing (the common case copies nothing). Anything but a record, and a record with a
 * prototype key (`__proto__`: a hostile payload is refused whole, never half-accepted), is
 * returned as it is, for validation to name.
 */
export function fixFeatures(features: unknown, fixed: FeatureFixed): unknown {
  if (features === null || typeof features !== "object" || Array.isArray(features)) return features;
  const given = features as Obj;
  const names = Object.keys(given);
  if (names.some((name) => FORBIDDEN_KEYS.has(name))) return features;
  let out: Obj | undefined;
  let kept = 0;
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string;
    const item = given[name];
    const fix = badName(name) ? "bad_key" : kept >= MAX_FEATURES ? "over_limit" : fixFor(item);
    if (fix === undefined) {
      kept++;
      if (out) out[name] = item;
      continue;
    }
    if (!out) {
      out = {};
      for (let inner = 0; inner < index; inner++) out[names[inner] as string] = given[names[inner] as string];
    }
    fixed(fix, name);
    const value = fixedValue(fix, item);
    if (value !== undefined) {
      kept++;
      out[name] = value;
    }
  }
  return out ?? features;
}

/** `event` with its `data.features` fixed (predictions and feature events carry them). */
export function fixEventFeatures(event: Obj, fixed: FeatureFixed): Obj {
  const data = event.data as Obj | undefined;
  const features = data?.features;
  if (features === undefined) return event;
  const fixedFeatures = fixFeatures(features, fixed);
  return fixedFeatures === features ? event : { ...event, data: { ...data, features: fixedFeatures } };
}

/** Counts fixes by kind for `stats().featureValues` and says the first of each kind once through `say`. */
export function createFeatureFixCounter(say: (key: string, message: string) => void) {
  const counts = { total: 0 } as Record<FeatureFix | "total", number>;
  for (const fix in FEATURE_FIXES) counts[fix as FeatureFix] = 0;
  const fixed: FeatureFixed = (fix, name) => {
    counts[fix]++;
    counts.total++;
    say(
      `feature:${fix}`,
      `Feature \`${name.slice(0, 64)}\` is ${FEATURE_FIXES[fix]}; the event is kept (stats().featureValues counts each)`,
    );
  };
  return { fixed, counts };
}
