import type { PredictionInput } from "./inputs.js";
import type { EventType } from "./schema/events.js";
import { uuidv7, uuidv7Time } from "./uuidv7.js";

/** What a `log*` call leaves for the background step: no copying, no validation yet. */
export interface PendingEvent {
  type: EventType;
  input: unknown;
  /** Milliseconds when the call was made. */
  at: number;
  /** The prediction id this event belongs to, if any (sampling key and CloudEvents `subject`). */
  predictionId: string | undefined;
}

export interface BuildContext {
  source: string;
  model: PredictionInput["model"];
  sampleRate: number;
}

type Obj = Record<string, unknown>;

/**
 * Time as RFC 3339. Invalid values are passed through unchanged so validation
 * reports them with their field name instead of this function throwing.
 */
export function toIso(value: unknown): unknown {
  const date = value instanceof Date || typeof value === "number" ? new Date(value) : undefined;
  // An invalid Date (NaN, or past ±8.64e15 ms) throws in toISOString: leave the value for validation to name.
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
}

/** Copies defined properties only, so optional fields stay absent on the wire. */
function compact(obj: Obj): Obj {
  const out: Obj = {};
  for (const key in obj) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}

/**
 * The event's `data`: the caller's fields as given (`d`, a fresh copy of the input without the
 * envelope's `time` and `traceparent`), plus what the SDK derives or defaults. Derived fields are
 * assigned onto that copy, so a field the caller gave keeps its place and a new one comes last;
 * nested objects are the caller's and are replaced, never edited. Which fields exist is the
 * validator's business (it strips unknown keys, as the collector does), so the contract's field
 * list lives in the schemas only.
 */
function dataFor(event: PendingEvent, obj: Obj, ctx: BuildContext): Obj {
  const type = event.type;
  if (type === "ml.exposure" || type === "ml.feedback" || type === "ml.outcome") {
    // These point at a prediction: name its model and time.
    obj.modelName ??= ctx.model?.name;
    const id = obj.predictionId;
    obj.predictionTime =
      obj.predictionTime !== undefined
        ? toIso(obj.predictionTime)
        : typeof id === "string"
          ? toIso(uuidv7Time(id))
          : undefined;
    if (type === "ml.exposure") {
      const shown = obj.shown;
      if (Array.isArray(shown))
        obj.shown = shown.map((text, position) => (typeof text === "string" ? { id: text, position } : text));
    } else if (type === "ml.feedback") obj.kind ??= "explicit";
    else obj.source ??= "system";
  } else if (type === "ml.prediction") {
    obj.predictionId = event.predictionId;
    obj.model ??= ctx.model;
    const output = obj.output as Obj | null;
    const count = output !== null && typeof output === "object" && output.candidates;
    if (Array.isArray(count)) {
      // Candidates are ranked by position unless the caller ranked them.
      obj.output = {
        ...output,
        candidates: count.map((item, index) =>
          item !== null && typeof item === "object" && (item as Obj).rank === undefined
            ? { ...(item as Obj), rank: index + 1 }
            : item,
        ),
      };
    }
  } else {
    obj.model ??= ctx.model;
    if (type === "ml.feature_profile") {
      obj.windowStart = toIso(obj.windowStart);
      obj.windowEnd = toIso(obj.windowEnd);
    }
  }
  return compact(obj);
}

/** Builds the CloudEvents envelope for a pending event. Never throws on bad input. */
export function buildEvent(event: PendingEvent, ctx: BuildContext, id: string = uuidv7(event.at)): Obj {
  // `time` and `traceparent` belong to the envelope; every other field of the input is `data`.
  const { time, traceparent, ...data } = (
    event.input !== null && typeof event.input === "object" ? event.input : {}
  ) as Obj;
  return compact({
    specversion: "1.0",
    id,
    type: event.type,
    source: ctx.source,
    time: time !== undefined ? toIso(time) : new Date(event.at).toISOString(),
    subject: event.predictionId,
    traceparent,
    samplerate: ctx.sampleRate < 1 ? ctx.sampleRate : undefined,
    data: dataFor(event, data, ctx),
  });
}
