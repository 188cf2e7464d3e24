import type { PendingEvent } from "./build-event.js";
import { PRIORITY } from "./event-queue.js";
import { fastPredictionJson, featureKeysCounted } from "./fast-prediction.js";
import type { EventValidator, PrepareContext, Prepared } from "./pipeline.js";
import { prepare } from "./prepare.js";
import { FEATURES_REFUSED_ABOVE, overBound, oversized } from "./size-guard.js";
import { utf8Length } from "./utf8.js";
import { uuidv7 } from "./uuidv7.js";

/**
 * `prepare` with the fused path for predictions: their JSON is written straight from the input
 * (`fastPredictionJson`). Written for the zod validators, whose contract it repeats: core's and Node's
 * `createClient` pass it with theirs (`Pipeline.prepare`); the browser passes none, so its bundle holds
 * only the general path.
 */
export function prepareFast(event: PendingEvent, ctx: PrepareContext): Prepared {
  if (event.type !== "ml.prediction" || ctx.beforeSend) return guardedPrepare(event, ctx);
  const id = uuidv7(event.at);
  const json = fastPredictionJson(event, id, ctx);
  if (json !== undefined) {
    const bytes = utf8Length(json);
    // Too large: the general path names the size in its error.
    if (bytes <= ctx.maxEventBytes)
      return { ok: true, id, type: event.type, priority: PRIORITY[event.type], json, bytes };
  }
  // A feature map far over its bound, counted once by the fast path, is refused without a second enumeration.
  const counted = featureKeysCounted();
  if (counted > FEATURES_REFUSED_ABOVE)
    return {
      ok: false,
      reason: "invalid",
      id,
      error: overBound(event.type, ["features"], FEATURES_REFUSED_ABOVE, counted, false),
    };
  // An event the fast path left keeps the id it was given: ids are made once.
  return guardedPrepare(event, ctx, id);
}

/**
 * The general path, after the size guard: an input with a collection over its bound is refused
 * before anything copies or validates it. Here rather than in `prepare`, so the browser bundle
 * (whose production validator is the collector) does not carry it.
 */
function guardedPrepare(event: PendingEvent, ctx: PrepareContext, id?: string): Prepared {
  const error = oversized(event.type, event.input, !!(ctx.filter.allow || ctx.filter.deny));
  if (!error) return prepare(event, ctx, id);
  return id === undefined ? { ok: false, reason: "invalid", error } : { ok: false, reason: "invalid", id, error };
}

/**
 * Runs the fused path once on a made-up prediction, so that two one-time costs fall on the client's
 * creation rather than on a log call: Node's first `crypto.getRandomValues` (uuidv7 draws its pool;
 * ~0.7 ms on Node 20, in the first `logPrediction`) and compiling this path (~0.6 ms, in the first
 * call that prepares inline: the 256th of a loop that never yields). Nothing is queued or counted;
 * the path's caches (last model, feature keys, time string) hold the made-up values until the
 * first event replaces them. Called by the adapters that pass `prepareFast` (core's and Node's
 * `createClient`). Returns what the path made of the made-up event, for tests.
 */
export function warmPrepareFast(validate: EventValidator): Prepared {
  return prepareFast(
    {
      type: "ml.prediction",
      input: { output: { label: "a", score: 1, candidates: [{ id: "a", score: 1 }] }, features: { n: 1, s: "a" } },
      // Time 0: the id made for it leaves uuidv7's last millisecond behind every clock's, injected ones too.
      at: 0,
      predictionId: "warm-up",
    },
    {
      source: "warm-up",
      model: { name: "warm-up", version: "0" },
      sampleRate: 1,
      filter: { allow: undefined, deny: undefined },
      beforeSend: undefined,
      maxEventBytes: 1024,
      validate,
      strict: false,
    },
  );
}
