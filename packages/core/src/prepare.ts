import * as z from "zod/mini";
import { type BuildContext, buildEvent, type PendingEvent } from "./build-event.js";
import { InferlogError, ValidationError } from "./errors.js";
import { PRIORITY } from "./event-queue.js";
import { type FeatureFilter, redactFeatures } from "./redact.js";
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
import type { DropReason } from "./stats.js";
import { utf8Length } from "./utf8.js";

const SCHEMA_BY_TYPE: Record<EventType, z.ZodMiniType> = {
  "ml.prediction": predictionEventSchema,
  "ml.exposure": exposureEventSchema,
  "ml.feedback": feedbackEventSchema,
  "ml.outcome": outcomeEventSchema,
  "ml.features": featuresEventSchema,
  "ml.feature_profile": featureProfileEventSchema,
};

export interface PrepareContext extends BuildContext {
  filter: FeatureFilter;
  beforeSend: ((event: InferlogEvent) => InferlogEvent | null) | undefined;
  maxEventBytes: number;
}

export type Prepared =
  | { ok: true; id: string; type: EventType; priority: number; json: string; bytes: number }
  | { ok: false; reason: DropReason; error?: InferlogError; id?: string };

/** Validates an event against the wire contract; returns the parsed copy or a ValidationError naming the field. */
export function validateEvent(
  type: EventType,
  event: unknown,
): { ok: true; event: InferlogEvent } | { ok: false; error: ValidationError } {
  const polluted = findForbiddenKey(event, []);
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
  const parsed = z.safeParse(SCHEMA_BY_TYPE[type], event);
  if (parsed.success) return { ok: true, event: parsed.data as InferlogEvent };
  // Report the caller's own field first: envelope fields are derived from it (`subject` from `predictionId`).
  const issues = [...parsed.error.issues].sort((a, b) => Number(b.path[0] === "data") - Number(a.path[0] === "data"));
  const first = issues[0] as z.core.$ZodIssue;
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : "";
  return {
    ok: false,
    error: new ValidationError(`Invalid ${type} event: ${formatIssue(first, event)}${more}`, formatPath(first.path)),
  };
}

/**
 * Zod drops `__proto__` keys silently; the contract refuses them (and `constructor`,
 * `prototype`) loudly, so a hostile payload is reported, not half-accepted.
 */
function findForbiddenKey(v: unknown, path: PropertyKey[], depth = 0): PropertyKey[] | undefined {
  if (v === null || typeof v !== "object" || depth > 8) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findForbiddenKey(v[i], [...path, i], depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(k)) return [...path, k];
    const child = (v as Record<string, unknown>)[k];
    if (child !== null && typeof child === "object") {
      const hit = findForbiddenKey(child, [...path, k], depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * The background step for one event: build the envelope, redact, run `beforeSend`,
 * validate, serialize and size it. Never throws.
 */
export function prepare(p: PendingEvent, ctx: PrepareContext): Prepared {
  let event: Record<string, unknown> = redactFeatures(buildEvent(p, ctx), ctx.filter);
  const id = event.id as string;
  if (ctx.beforeSend) {
    let edited: InferlogEvent | null;
    try {
      edited = ctx.beforeSend(event as unknown as InferlogEvent);
    } catch (cause) {
      return {
        ok: false,
        reason: "before_send",
        id,
        error: new InferlogError("before_send", `beforeSend threw for ${p.type} event ${id}`, { cause }),
      };
    }
    if (edited === null || edited === undefined) return { ok: false, reason: "before_send", id };
    event = edited as unknown as Record<string, unknown>;
  }
  const v = validateEvent(p.type, event);
  if (!v.ok) return { ok: false, reason: "invalid", id, error: v.error };
  const json = JSON.stringify(v.event);
  const bytes = utf8Length(json);
  if (bytes > ctx.maxEventBytes) {
    return {
      ok: false,
      reason: "too_large",
      id,
      error: new ValidationError(
        `The ${p.type} event ${id} is ${bytes} bytes serialized, over the limit of ${ctx.maxEventBytes} bytes (maxEventBytes)`,
        "(event)",
      ),
    };
  }
  return { ok: true, id: v.event.id, type: p.type, priority: PRIORITY[p.type], json, bytes };
}
