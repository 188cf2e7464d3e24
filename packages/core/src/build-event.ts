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
  const d = value instanceof Date ? value : typeof value === "number" ? new Date(value) : undefined;
  // An invalid Date (NaN, or past ±8.64e15 ms) throws in toISOString: leave the value for validation to name.
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : value;
}

function predictionTimeOf(input: Obj, predictionId: unknown): unknown {
  if (input.predictionTime !== undefined) return toIso(input.predictionTime);
  return typeof predictionId === "string" ? toIso(uuidv7Time(predictionId)) : undefined;
}

/** Copies defined properties only, so optional fields stay absent on the wire. */
function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function linked(
  i: Obj,
  ctx: BuildContext,
): Record<"predictionId" | "modelName" | "predictionTime" | "subjectKey", unknown> {
  return {
    predictionId: i.predictionId,
    modelName: i.modelName ?? ctx.model?.name,
    predictionTime: predictionTimeOf(i, i.predictionId),
    subjectKey: i.subjectKey,
  };
}

function rankCandidates(output: Obj): Obj {
  const c = output.candidates;
  if (!Array.isArray(c)) return output;
  return {
    ...output,
    candidates: c.map((x, i) =>
      x !== null && typeof x === "object" && (x as Obj).rank === undefined ? { ...(x as Obj), rank: i + 1 } : x,
    ),
  };
}

const shownList = (shown: unknown): unknown =>
  Array.isArray(shown) ? shown.map((s, position) => (typeof s === "string" ? { id: s, position } : s)) : shown;

/**
 * The event's `data`: the caller's fields as given (`i`, without the envelope's `time` and
 * `traceparent`), plus what the SDK derives or defaults. Which fields exist is the validator's business (it strips
 * unknown keys, as the collector does), so the contract's field list lives in the schemas only.
 */
function dataFor(p: PendingEvent, i: Obj, ctx: BuildContext): Obj {
  const model = i.model ?? ctx.model;
  switch (p.type) {
    case "ml.prediction":
      return compact({
        ...i,
        predictionId: p.predictionId,
        model,
        output: i.output !== null && typeof i.output === "object" ? rankCandidates(i.output as Obj) : i.output,
      });
    case "ml.exposure":
      return compact({ ...i, ...linked(i, ctx), shown: shownList(i.shown) });
    case "ml.feedback":
      return compact({ ...i, ...linked(i, ctx), kind: i.kind ?? "explicit" });
    case "ml.outcome":
      return compact({ ...i, ...linked(i, ctx), source: i.source ?? "system" });
    case "ml.features":
      return compact({ ...i, model });
    case "ml.feature_profile":
      return compact({ ...i, model, windowStart: toIso(i.windowStart), windowEnd: toIso(i.windowEnd) });
  }
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
