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
  const d = value instanceof Date || typeof value === "number" ? new Date(value) : undefined;
  // An invalid Date (NaN, or past ±8.64e15 ms) throws in toISOString: leave the value for validation to name.
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : value;
}

/** Copies defined properties only, so optional fields stay absent on the wire. */
function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
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
function dataFor(p: PendingEvent, d: Obj, ctx: BuildContext): Obj {
  const type = p.type;
  if (type === "ml.exposure" || type === "ml.feedback" || type === "ml.outcome") {
    // These point at a prediction: name its model and time.
    d.modelName ??= ctx.model?.name;
    const id = d.predictionId;
    d.predictionTime =
      d.predictionTime !== undefined
        ? toIso(d.predictionTime)
        : typeof id === "string"
          ? toIso(uuidv7Time(id))
          : undefined;
    if (type === "ml.exposure") {
      const shown = d.shown;
      if (Array.isArray(shown)) d.shown = shown.map((s, position) => (typeof s === "string" ? { id: s, position } : s));
    } else if (type === "ml.feedback") d.kind ??= "explicit";
    else d.source ??= "system";
  } else if (type === "ml.prediction") {
    d.predictionId = p.predictionId;
    d.model ??= ctx.model;
    const output = d.output as Obj | null;
    const c = output !== null && typeof output === "object" && output.candidates;
    if (Array.isArray(c)) {
      // Candidates are ranked by position unless the caller ranked them.
      d.output = {
        ...output,
        candidates: c.map((x, i) =>
          x !== null && typeof x === "object" && (x as Obj).rank === undefined ? { ...(x as Obj), rank: i + 1 } : x,
        ),
      };
    }
  } else {
    d.model ??= ctx.model;
    if (type === "ml.feature_profile") {
      d.windowStart = toIso(d.windowStart);
      d.windowEnd = toIso(d.windowEnd);
    }
  }
  return compact(d);
}

/** Builds the CloudEvents envelope for a pending event. Never throws on bad input. */
export function buildEvent(p: PendingEvent, ctx: BuildContext, id: string = uuidv7(p.at)): Obj {
  // `time` and `traceparent` belong to the envelope; every other field of the input is `data`.
  const { time, traceparent, ...data } = (p.input !== null && typeof p.input === "object" ? p.input : {}) as Obj;
  return compact({
    specversion: "1.0",
    id,
    type: p.type,
    source: ctx.source,
    time: time !== undefined ? toIso(time) : new Date(p.at).toISOString(),
    subject: p.predictionId,
    traceparent,
    samplerate: ctx.sampleRate < 1 ? ctx.sampleRate : undefined,
    data: dataFor(p, data, ctx),
  });
}
