import { buildEvent, type PendingEvent } from "./build-event.js";
import { InferlogError, threw, ValidationError } from "./errors.js";
import { PRIORITY } from "./event-queue.js";
import { fixEventFeatures } from "./feature-values.js";
import type { PrepareContext, Prepared } from "./pipeline.js";
import { redactFeatures } from "./redact.js";
import type { InferlogEvent } from "./schema/events.js";
import { utf8Length } from "./utf8.js";
import { wellFormedJson } from "./well-formed-json.js";

/**
 * The background step for one event: build the envelope, redact, run `beforeSend`,
 * validate, serialize and size it. Never throws. `id`: one already made for this event
 * (by `prepareFast`, when it left the event to this path).
 */
export function prepare(pendingEvent: PendingEvent, ctx: PrepareContext, id?: string): Prepared {
  let event: Record<string, unknown> = redactFeatures(buildEvent(pendingEvent, ctx, id), ctx.filter);
  if (ctx.fixFeature) event = fixEventFeatures(event, ctx.fixFeature);
  id = event.id as string;
  if (ctx.beforeSend) {
    let edited: InferlogEvent | null;
    try {
      edited = ctx.beforeSend(event as unknown as InferlogEvent);
    } catch (cause) {
      return {
        ok: false,
        reason: "before_send",
        id,
        error: new InferlogError("before_send", `beforeSend threw for ${pendingEvent.type} event ${id}`, { cause }),
      };
    }
    if (edited === null || edited === undefined) return { ok: false, reason: "before_send", id };
    event = edited as unknown as Record<string, unknown>;
  }
  const result = ctx.validate(pendingEvent.type, event);
  if (!result.ok) return { ok: false, reason: "invalid", id, error: result.error };
  const stray = result.stray;
  if (stray !== undefined) {
    if (ctx.strict) return { ok: false, reason: "invalid", id, error: stray.error };
    for (const [key, warning] of stray.said) ctx.strayFound?.(key, warning);
  }
  // A validated event is plain JSON; without in-process validation (`uncheckedEvent`) it may hold
  // a BigInt, a cycle or a throwing toJSON, or (from beforeSend) not be a JSON value at all:
  // counted here, never thrown.
  let json: string | undefined;
  let why = "it is not a JSON value";
  try {
    json = JSON.stringify(result.event);
    if (json !== undefined) json = wellFormedJson(json);
  } catch (cause) {
    why = threw("JSON.stringify", cause);
  }
  if (json === undefined) {
    const error = new ValidationError(`The ${pendingEvent.type} event ${id} cannot be serialized: ${why}`, "(event)");
    return { ok: false, reason: "invalid", id, error };
  }
  const bytes = utf8Length(json);
  if (bytes > ctx.maxEventBytes) {
    return {
      ok: false,
      reason: "too_large",
      id,
      error: new ValidationError(
        `The ${pendingEvent.type} event ${id} is ${bytes} bytes serialized, over the limit of ${ctx.maxEventBytes} bytes (maxEventBytes)`,
        "(event)",
      ),
    };
  }
  return { ok: true, id: result.event.id, type: pendingEvent.type, priority: PRIORITY[pendingEvent.type], json, bytes };
}
