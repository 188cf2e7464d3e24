import { type BuildContext, buildEvent, type PendingEvent } from "./build-event.js";
import { InferlogError, threw, ValidationError } from "./errors.js";
import { PRIORITY } from "./event-queue.js";
import { type FeatureFilter, redactFeatures } from "./redact.js";
import type { EventType, InferlogEvent } from "./schema/events.js";
import type { DropReason } from "./stats.js";
import { utf8Length } from "./utf8.js";
import { uuidv7 } from "./uuidv7.js";
import type { EventValidator } from "./validate.js";

export interface PrepareContext extends BuildContext {
  filter: FeatureFilter;
  beforeSend: ((event: InferlogEvent) => InferlogEvent | null) | undefined;
  maxEventBytes: number;
  validate: EventValidator;
}

export type Prepared =
  | { ok: true; id: string; type: EventType; priority: number; json: string; bytes: number }
  | { ok: false; reason: DropReason; error?: InferlogError; id?: string };

/**
 * The background step for one event: build the envelope, redact, run `beforeSend`,
 * validate, serialize and size it. Never throws.
 */
export function prepare(p: PendingEvent, ctx: PrepareContext): Prepared {
  const fast = ctx.validate.fastPrediction;
  let fastId: string | undefined;
  if (fast && p.type === "ml.prediction" && !ctx.beforeSend) {
    fastId = uuidv7(p.at);
    const json = fast(p, fastId, ctx);
    if (json !== undefined) {
      const bytes = utf8Length(json);
      // Too large: the general path below names the size in its error.
      if (bytes <= ctx.maxEventBytes) {
        return { ok: true, id: fastId, type: p.type, priority: PRIORITY[p.type], json, bytes };
      }
    }
  }
  // An event the fast path left keeps the id it was given: ids are made once.
  let event: Record<string, unknown> = redactFeatures(buildEvent(p, ctx, fastId), ctx.filter);
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
  const v = ctx.validate(p.type, event);
  if (!v.ok) return { ok: false, reason: "invalid", id, error: v.error };
  // A validated event is plain JSON; without in-process validation (`uncheckedEvent`) it may hold
  // a BigInt, a cycle or a throwing toJSON, or (from beforeSend) not be a JSON value at all:
  // counted here, never thrown.
  let json: string | undefined;
  let why = "it is not a JSON value";
  try {
    json = JSON.stringify(v.event);
  } catch (cause) {
    why = threw("JSON.stringify", cause);
  }
  if (json === undefined) {
    const error = new ValidationError(`The ${p.type} event ${id} cannot be serialized: ${why}`, "(event)");
    return { ok: false, reason: "invalid", id, error };
  }
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
