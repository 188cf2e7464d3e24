import type { PendingEvent } from "./build-event.js";
import { type FeatureFilter, keep } from "./redact.js";
import { TASKS } from "./schema/enums.js";
import {
  FORBIDDEN_KEYS,
  MAX_CANDIDATES,
  MAX_ENVIRONMENT_LENGTH,
  MAX_FEATURE_ARRAY_LENGTH,
  MAX_FEATURE_NAME_LENGTH,
  MAX_FEATURE_STRING_LENGTH,
  MAX_FEATURES,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
} from "./schema/limits.js";
import { wellFormedJson } from "./well-formed-json.js";

/** What the fast path needs from the client: the same fields `prepare` gets. */
export interface FastContext {
  source: string;
  model: unknown;
  sampleRate: number;
  filter: FeatureFilter;
}

type Obj = Record<string, unknown>;

/** Thrown inside the fast path when the input leaves the common shape; never escapes it. */
const OUT = Symbol("out");
const out = (): never => {
  throw OUT;
};

const TASK_SET: ReadonlySet<unknown> = new Set(TASKS);
const PREDICTION_KEYS: ReadonlySet<string> = new Set([
  "model",
  "task",
  "output",
  "features",
  "tags",
  "subjectKey",
  "latencyMs",
  "outcomeTtlSeconds",
  "predictionId",
  "shadow",
]);
const MODEL_KEYS: ReadonlySet<string> = new Set(["name", "version", "environment"]);
const OUTPUT_KEYS: ReadonlySet<string> = new Set(["label", "score", "candidates", "k"]);
const CANDIDATE_KEYS: ReadonlySet<string> = new Set(["id", "label", "score", "rank", "itemAgeSeconds"]);

const isPlain = (v: unknown): v is Obj => {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
/**
 * A record's keys, at most `max` of them (more leave at once, before a second walk); zod reads every
 * own key (symbols, non-enumerable ones), so those leave the fast path.
 */
const recordKeys = (r: Obj, max: number): string[] => {
  const keys = Object.keys(r);
  if (keys.length > max) out();
  return ownKeysOnly(r, keys);
};
/** `keys` (the record's Object.keys), when they are all its own keys: no symbol, nothing non-enumerable. */
const ownKeysOnly = (r: Obj, keys: string[]): string[] => {
  // Two counts cost about a third of one Reflect.ownKeys on a 10-key record.
  if (Object.getOwnPropertyNames(r).length !== keys.length || Object.getOwnPropertySymbols(r).length !== 0) out();
  return keys;
};
/** Every own key with a value is one of `allowed` (an undefined value counts as absent, as it does on the wire). */
const keysIn = (o: Obj, allowed: ReadonlySet<string>): void => {
  // for-in reads own keys without making an array (and inherited enumerable ones: rare, refused)
  for (const k in o) if (!allowed.has(k) && o[k] !== undefined) out();
};
/**
 * What JSON.stringify escapes: `"`, `\\`, control characters and (lone) surrogates, written as
 * "anything but the rest" so the pattern holds no control character.
 */
const ESCAPED = /[^\x20\x21\x23-\x5b\x5d-\ud7ff\ue000-\uffff]/;
/**
 * A string's JSON. Ids, names, labels and feature strings rarely hold anything JSON.stringify
 * escapes, and then it only adds quotes, which a regex test and a template do for less. A valid
 * surrogate pair matches too and is left to JSON.stringify, which keeps it; a lone one is written
 * as U+FFFD, as the general path writes it.
 */
const quote = (v: string): string => (ESCAPED.test(v) ? wellFormedJson(JSON.stringify(v)) : `"${v}"`);
const str = (v: unknown, min: number, max: number): string => {
  if (typeof v !== "string" || v.length < min || v.length > max) out();
  return quote(v as string);
};
const num = (v: unknown): string => {
  if (typeof v !== "number" || !Number.isFinite(v)) out();
  return `${v}`;
};
const nonNegative = (v: unknown): string => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) out();
  return `${v}`;
};
const label = (v: unknown): string => (typeof v === "number" ? num(v) : str(v, 0, MAX_NAME_LENGTH));
/** A record key: bounded, never a prototype key. */
const checkKey = (k: string, max: number): void => {
  if (k.length < 1 || k.length > max || FORBIDDEN_KEYS.has(k)) out();
};
const key = (k: string, max: number): string => {
  checkKey(k, max);
  return quote(k);
};

/** The last model written: events nearly always name the same one, in the same strings. */
let lastModel: { name: unknown; version: unknown; environment: unknown; json: string } | undefined;
function model(m: unknown): string {
  if (!isPlain(m)) return out();
  const { name, version } = m;
  keysIn(m, MODEL_KEYS); // dates (trainedAt, ...) need the general path's checks
  const environment = m.environment;
  const last = lastModel;
  if (last && name === last.name && version === last.version && environment === last.environment) return last.json;
  let s = `{"name":${str(name, 1, MAX_NAME_LENGTH)},"version":${str(version, 1, MAX_NAME_LENGTH)}`;
  if (environment !== undefined) s += `,"environment":${str(environment, 1, MAX_ENVIRONMENT_LENGTH)}`;
  s += "}";
  lastModel = { name, version, environment, json: s };
  return s;
}

function candidates(c: unknown): string {
  if (!Array.isArray(c) || c.length > MAX_CANDIDATES) return out();
  let s = "[";
  for (let i = 0; i < c.length; i++) {
    const x = c[i];
    if (!isPlain(x)) return out();
    keysIn(x, CANDIDATE_KEYS);
    let rank = x.rank;
    if (rank === undefined) rank = i + 1;
    else if (!Number.isSafeInteger(rank) || (rank as number) < 1) out();
    s += `${i ? "," : ""}{"id":${str(x.id, 1, MAX_ID_LENGTH)}`;
    if (x.label !== undefined) s += `,"label":${label(x.label)}`;
    if (x.score !== undefined) s += `,"score":${num(x.score)}`;
    s += `,"rank":${rank}`;
    if (x.itemAgeSeconds !== undefined) s += `,"itemAgeSeconds":${nonNegative(x.itemAgeSeconds)}`;
    s += "}";
  }
  return `${s}]`;
}

function output(o: unknown): string {
  if (!isPlain(o)) return out();
  keysIn(o, OUTPUT_KEYS);
  let s = "";
  if (o.label !== undefined) s += `,"label":${label(o.label)}`;
  if (o.score !== undefined) s += `,"score":${num(o.score)}`;
  if (o.candidates !== undefined) s += `,"candidates":${candidates(o.candidates)}`;
  if (o.k !== undefined) {
    if (!Number.isSafeInteger(o.k) || (o.k as number) < 1) out();
    s += `,"k":${o.k}`;
  }
  return s === "" ? "{}" : `{${s.slice(1)}}`;
}

/** A feature value's JSON (read once: a getter cannot change it between check and write). */
function featureValue(v: unknown): string {
  if (typeof v === "number") return num(v);
  if (typeof v === "string") return v.length > MAX_FEATURE_STRING_LENGTH ? out() : quote(v);
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (!Array.isArray(v) || v.length > MAX_FEATURE_ARRAY_LENGTH) return out();
  let s = "[";
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "string" || x.length > MAX_FEATURE_STRING_LENGTH) out();
    s += `${i ? "," : ""}${quote(x)}`;
  }
  return `${s}]`;
}

/**
 * Feature names recur event after event: `,"name":` for names that passed the checks, up to a
 * bound, so a feature costs two string joins (its key, its value) rather than four.
 */
const featureKeys = new Map<string, string>();
const FEATURE_KEYS_KEPT = 4096;
function featureKey(k: string): string {
  const known = featureKeys.get(k);
  if (known !== undefined) return known;
  const json = `,${key(k, MAX_FEATURE_NAME_LENGTH)}:`;
  if (featureKeys.size >= FEATURE_KEYS_KEPT) featureKeys.clear();
  featureKeys.set(k, json);
  return json;
}

/**
 * How many keys the last call's feature map had, when the fast path left it for having too many
 * (-1 otherwise): the size guard then need not enumerate a huge map a second time (prepare-fast.ts).
 */
let featuresCounted = -1;
export const featureKeysCounted = (): number => featuresCounted;

/**
 * Features, filtered and checked key by key, written in the order JSON.stringify would write
 * a copy of them (the record's own key order).
 */
function features(f: unknown, filter: FeatureFilter): string {
  if (!isPlain(f)) return out();
  let s = "{";
  let n = 0;
  const filtered = filter.allow || filter.deny;
  const keys = Object.keys(f);
  // Counted after the filter: without one, a longer record is over the limit as it is.
  if (!filtered && keys.length > MAX_FEATURES) {
    featuresCounted = keys.length;
    out();
  }
  for (const k of ownKeysOnly(f, keys)) {
    if (!keep(k, filter)) continue; // counted after the filter
    if (++n > MAX_FEATURES) out();
    const commaKey = featureKey(k);
    s += n > 1 ? commaKey : commaKey.slice(1);
    s += featureValue(f[k]);
  }
  return `${s}}`;
}

function tags(t: unknown): string {
  if (!isPlain(t)) return out();
  const keys = recordKeys(t, MAX_TAGS);
  let s = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    s += `${i ? "," : ""}${key(k, MAX_TAG_KEY_LENGTH)}:${str(t[k], 0, MAX_TAG_VALUE_LENGTH)}`;
  }
  return `${s}}`;
}

let lastMs = Number.NaN;
let lastIso = "";
/** Events logged in the same millisecond share their time string. */
const isoOf = (ms: number): string => {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
};

/**
 * The JSON of a prediction event, built straight from the caller's input in one pass: the
 * checks of the wire contract and the serialization fused, with no envelope object, no
 * validated copy and no second walk for `JSON.stringify`. It covers the common shape
 * (plain objects; model name, version and environment; label, score, candidates and k; flat
 * features and tags; no `time`, `traceparent` or `probabilities`) and returns undefined for
 * anything else, valid or not, so the general path builds, validates and names the problem.
 * A property test holds it to the general path: same JSON, and never accepting what it refuses.
 */
export function fastPredictionJson(p: PendingEvent, id: string, ctx: FastContext): string | undefined {
  featuresCounted = -1;
  try {
    const i = p.input;
    if (!isPlain(i)) return undefined;
    keysIn(i, PREDICTION_KEYS);
    const pid = str(p.predictionId, 1, MAX_ID_LENGTH);
    let s = `{"specversion":"1.0","id":${str(id, 1, MAX_ID_LENGTH)},"source":${str(ctx.source, 1, MAX_NAME_LENGTH)},"time":"${isoOf(p.at)}","subject":${pid}`;
    if (ctx.sampleRate < 1) s += `,"samplerate":${num(ctx.sampleRate)}`;
    s += `,"type":"ml.prediction","data":{"predictionId":${pid},"model":${model(i.model ?? ctx.model)}`;
    if (i.task !== undefined) {
      if (!TASK_SET.has(i.task)) out();
      s += `,"task":"${i.task}"`;
    }
    s += `,"output":${output(i.output)}`;
    if (i.features !== undefined) s += `,"features":${features(i.features, ctx.filter)}`;
    if (i.tags !== undefined) s += `,"tags":${tags(i.tags)}`;
    if (i.subjectKey !== undefined) s += `,"subjectKey":${str(i.subjectKey, 1, MAX_ID_LENGTH)}`;
    if (i.latencyMs !== undefined) s += `,"latencyMs":${nonNegative(i.latencyMs)}`;
    if (i.outcomeTtlSeconds !== undefined) {
      if (!Number.isSafeInteger(i.outcomeTtlSeconds) || (i.outcomeTtlSeconds as number) <= 0) out();
      s += `,"outcomeTtlSeconds":${i.outcomeTtlSeconds}`;
    }
    if (i.shadow !== undefined) s += `,"shadow":${typeof i.shadow === "boolean" ? i.shadow : out()}`;
    return `${s}}}`;
  } catch (e) {
    if (e === OUT) return undefined;
    return undefined; // a throwing getter or Proxy: the general path reports it
  }
}
