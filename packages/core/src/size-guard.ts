import { ValidationError } from "./errors.js";
import type { EventType } from "./schema/events.js";
import {
  MAX_CANDIDATES,
  MAX_FEATURES,
  MAX_LABELS,
  MAX_METRICS,
  MAX_PROFILE_COLUMNS,
  MAX_SHOWN,
  MAX_TAGS,
} from "./schema/limits.js";

/**
 * Past MAX_FEATURES a feature map keeps its first MAX_FEATURES and counts the rest (feature-values.ts:
 * the extra features cost themselves, not the event). Only a map this much larger is refused whole
 * here, before anything walks it: an input that size is a bug, not a wide model.
 */
export const FEATURES_REFUSED_ABOVE = 10 * MAX_FEATURES;

/**
 * The input's collections and how many keys or items each may hold, as the schemas bound them. A
 * feature map is counted after the allow/deny filter, so it (and a profile's columns) is only
 * checked here when no filter is set.
 */
const BOUNDED: readonly [path: readonly string[], max: number, filtered?: true][] = [
  [["features"], FEATURES_REFUSED_ABOVE, true],
  [["columns"], MAX_PROFILE_COLUMNS, true],
  [["tags"], MAX_TAGS],
  [["metrics"], MAX_METRICS],
  [["shown"], MAX_SHOWN],
  [["relevantIds"], MAX_CANDIDATES],
  [["labels"], MAX_LABELS],
  [["output", "probabilities"], MAX_CANDIDATES],
  [["output", "candidates"], MAX_CANDIDATES],
  [["output", "labels"], MAX_LABELS],
];

/** The refusal of a collection over its bound, worded as the schemas word it, so an input reads the same whichever check caught it. */
export function overBound(
  type: EventType,
  path: readonly string[],
  max: number,
  count: number,
  isArray: boolean,
): ValidationError {
  const field = `data.${path.join(".")}`;
  const why = isArray
    ? `is too large: limit ${max} items, got ${count} items`
    : `has more than ${max} keys (got ${count} keys)`;
  return new ValidationError(`Invalid ${type} event: \`${field}\` ${why}`, field);
}

/**
 * Refuses an input whose collections are over their bounds before anything walks them: a
 * 100,000-key feature map costs one `Object.keys` here instead of a copy, a validation pass and
 * an error listing. Run by the zod and compiled validators' prepare step (`prepareFast`).
 * `undefined` when nothing is over (or reading the input throws: the general path reports that by field).
 */
export function oversized(type: EventType, input: unknown, filtered: boolean): ValidationError | undefined {
  try {
    for (const [path, max, byFilter] of BOUNDED) {
      if (byFilter && filtered) continue;
      let value = input;
      for (const key of path) value = value !== null && typeof value === "object" ? (value as never)[key] : undefined;
      if (value === null || typeof value !== "object") continue;
      const count = Array.isArray(value) ? value.length : Object.keys(value).length;
      if (count > max) return overBound(type, path, max, count, Array.isArray(value));
    }
  } catch {
    // A throwing getter or Proxy: left to the general path, which names the field.
  }
  return undefined;
}
