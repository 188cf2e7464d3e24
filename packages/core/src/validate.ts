import * as z from "zod/mini";
import { ValidationError } from "./errors.js";
import type { EventValidator } from "./pipeline.js";
import {
  type EventType,
  exposureEventSchema,
  featureProfileEventSchema,
  featuresEventSchema,
  feedbackEventSchema,
  type InferlogEvent,
  outcomeEventSchema,
  predictionEventSchema,
} from "./schema/events.js";
import { formatIssue, formatPath } from "./schema/issues.js";
import { FORBIDDEN_KEYS } from "./schema/limits.js";
import { accepted } from "./stray-fields.js";
import { wellFormedText } from "./well-formed-json.js";

export const SCHEMA_BY_TYPE: Record<EventType, z.ZodMiniType> = {
  "ml.prediction": predictionEventSchema,
  "ml.exposure": exposureEventSchema,
  "ml.feedback": feedbackEventSchema,
  "ml.outcome": outcomeEventSchema,
  "ml.features": featuresEventSchema,
  "ml.feature_profile": featureProfileEventSchema,
};

/** Builds a validator over a schema lookup (runtime schemas here, compiled ones in `@inferlog/core/compiled`). */
export const makeValidator =
  (schemaFor: (type: EventType) => z.ZodMiniType): EventValidator =>
  (type, event) => {
    const polluted = findForbiddenKey(event);
    if (polluted) {
      const field = formatPath(polluted);
      return {
        ok: false,
        error: new ValidationError(
          `Invalid ${type} event: \`${field}\` is a reserved key (__proto__, constructor, prototype)`,
          field,
        ),
      };
    }
    const parsed = z.safeParse(schemaFor(type), event);
    if (parsed.success) return accepted(type, event, parsed.data as InferlogEvent);
    // Report the caller's own field first: envelope fields are derived from it (`subject` from `predictionId`).
    const issues = [...parsed.error.issues].sort(
      (left, right) => Number(right.path[0] === "data") - Number(left.path[0] === "data"),
    );
    // The first fault only, as the lite validator reports it: one input gets one message in every
    // build (the collector's answer included), whichever validator wrote it.
    const first = issues[0] as z.core.$ZodIssue;
    return {
      ok: false,
      error: new ValidationError(
        wellFormedText(`Invalid ${type} event: ${formatIssue(first, event)}`),
        wellFormedText(formatPath(first.path)),
      ),
    };
  };

/** Record-typed fields: the only places where arbitrary keys reach the wire (objects strip unknown keys). */
const RECORD_PATHS: readonly (readonly string[])[] = [
  ["data", "features"],
  ["data", "tags"],
  ["data", "metrics"],
  ["data", "output", "probabilities"],
  ["data", "columns"],
];

/**
 * Zod drops `__proto__` keys silently; the contract refuses them (and `constructor`,
 * `prototype`) loudly, so a hostile payload is reported, not half-accepted.
 */
function findForbiddenKey(event: unknown): string[] | undefined {
  for (const path of RECORD_PATHS) {
    let value: unknown = event;
    for (const key of path)
      value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    if (value === null || typeof value !== "object") continue;
    for (const key of Object.keys(value)) if (FORBIDDEN_KEYS.has(key)) return [...path, key];
    if (path[1] !== "columns") continue;
    for (const [name, col] of Object.entries(value)) {
      const sketch = (col as { sketch?: Record<string, unknown> } | null)?.sketch;
      for (const side of ["positive", "negative"]) {
        const bins = sketch?.[side];
        if (bins && typeof bins === "object") {
          for (const key of Object.keys(bins)) if (FORBIDDEN_KEYS.has(key)) return [...path, name, "sketch", side, key];
        }
      }
    }
  }
  return undefined;
}

/** The default validator: zod's runtime parser. */
export const validateEvent: EventValidator = makeValidator((type) => SCHEMA_BY_TYPE[type]);
