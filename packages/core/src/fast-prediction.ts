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

const isPlain = (value: unknown): value is Obj => {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};
/**
 * A record's keys, at most `max` of them (more leave at once, before a second walk); zod reads every
 * own key (symbols, non-enumerable ones), so those leave the fast path.
 */
const recordKeys = (obj: Obj, max: number): string[] => {
  const keys = Object.keys(obj);
  if (keys.length > max) out();
  return ownKeysOnly(obj, keys);
};
/** `keys` (the record's Object.keys), when they are all its own keys: no symbol, nothing non-enumerable. */
const ownKeysOnly = (obj: Obj, keys: string[]): string[] => {
  // Two counts cost about a third of one Reflect.ownKeys on a 10-key record.
  if (Object.getOwnPropertyNames(obj).length !== keys.length || Object.getOwnPropertySymbols(obj).length !== 0) out();
  return keys;
};
/** Every own key with a value is one of `allowed` (an undefined value counts as absent, as it does on the wire). */
const keysIn = (obj: Obj, allowed: ReadonlySet<string>): void => {
  // for-in reads own keys without making an array (and inherited enumerable ones: rare, refused)
  for (const key in obj) if (!allowed.has(key) && obj[key] !== undefined) out();
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
const quote = (value: string): string => (ESCAPED.test(value) ? wellFormedJson(JSON.stringify(value)) : `"${value}"`);
const str = (value: unknown, min: number, max: number): string => {
  if (typeof value !== "string" || value.length < min || value.length > max) out();
  return quote(value as string);
};
const num = (value: unknown): string => {
  if (typeof value !== "number" || !Number.isFinite(value)) out();
  return `${value}`;
};
const nonNegative = (value: unknown): string => {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) out();
  return `${value}`;
};
const label = (value: unknown): string => (typeof value === "number" ? num(value) : str(value, 0, MAX_NAME_LENGTH));
/** A record key: bounded, never a prototype key. */
const checkKey = (key: string, max: number): void => {
  if (key.length < 1 || key.length > max || FORBIDDEN_KEYS.has(key)) out();
};
const key = (key: string, max: number): string => {
  checkKey(key, max);
  return quote(key);
};

/** The last model written: events nearly always name the same one, in the same strings. */
let lastModel: { name: unknown; version: unknown; environment: unknown; json: string } | undefined;
function model(match: unknown): string {
  if (!isPlain(match)) return out();
  const { name, version } = match;
  keysIn(match, MODEL_KEYS); // dates (trainedAt, ...) need the general path's checks
  const environment = match.environment;
  const last = lastModel;
  if (last && name === last.name && version === last.version && environment === last.environment) return last.json;
  let text = `{"name":${str(name, 1, MAX_NAME_LENGTH)},"version":${str(version, 1, MAX_NAME_LENGTH)}`;
  if (environment !== undefined) text += `,"environment":${str(environment, 1, MAX_ENVIRONMENT_LENGTH)}`;
  text += "}";
  lastModel = { name, version, environment, json: text };
  return text;
}

function candidates(count: unknown): string {
  if (!Array.isArray(count) || count.length > MAX_CANDIDATES) return out();
  let text = "[";
  for (let index = 0; index < count.length; index++) {
    const item = count[index];
    if (!isPlain(item)) return out();
    keysIn(item, CANDIDATE_KEYS);
    let rank = item.rank;
    if (rank === undefined) rank = index + 1;
    else if (!Number.isSafeInteger(rank) || (rank as number) < 1) out();
    text += `${index ? "," : ""}{"id":${str(item.id, 1, MAX_ID_LENGTH)}`;
    if (item.label !== undefined) text += `,"label":${label(item.label)}`;
    if (item.score !== undefined) text += `,"score":${num(item.score)}`;
    text += `,"rank":${rank}`;
    if (item.itemAgeSeconds !== undefined) text += `,"itemAgeSeconds":${nonNegative(item.itemAgeSeconds)}`;
    text += "}";
  }
  return `${text}]`;
}

function output(options: unknown): string {
  if (!isPlain(options)) return out();
  keysIn(options, OUTPUT_KEYS);
  let text = "";
  if (options.label !== undefined) text += `,"label":${label(options.label)}`;
  if (options.score !== undefined) text += `,"score":${num(options.score)}`;
  if (options.candidates !== undefined) text += `,"candidates":${candidates(options.candidates)}`;
  if (options.k !== undefined) {
    if (!Number.isSafeInteger(options.k) || (options.k as number) < 1) out();
    text += `,"k":${options.k}`;
  }
  return text === "" ? "{}" : `{${text.slice(1)}}`;
}

/** A feature value's JSON (read once: a getter cannot change it between check and write). */
function featureValue(value: unknown): string {
  if (typeof value === "number") return num(value);
  if (typeof value === "string") return value.length > MAX_FEATURE_STRING_LENGTH ? out() : quote(value);
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (!Array.isArray(value) || value.length > MAX_FEATURE_ARRAY_LENGTH) return out();
  let text = "[";
  for (let index = 0; index < value.length; index++) {
    const item = value[index];
    if (typeof item !== "string" || item.length > MAX_FEATURE_STRING_LENGTH) out();
    text += `${index ? "," : ""}${quote(item)}`;
  }
  return `${text}]`;
}

/**
 * Feature names recur event after event: `,"name":` for names that passed the checks, up to a
 * bound, so a feature costs two string joins (its key, its value) rather than four.
 */
const featureKeys = new Map<string, string>();
const FEATURE_KEYS_KEPT = 4096;
function featureKey(name: string): string {
  const known = featureKeys.get(name);
  if (known !== undefined) return known;
  const json = `,${key(name, MAX_FEATURE_NAME_LENGTH)}:`;
  if (featureKeys.size >= FEATURE_KEYS_KEPT) featureKeys.clear();
  featureKeys.set(name, json);
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
function features(file: unknown, filter: FeatureFilter): string {
  if (!isPlain(file)) return out();
  let text = "{";
  let count = 0;
  const filtered = filter.allow || filter.deny;
  const keys = Object.keys(file);
  // Counted after the filter: without one, a longer record is over the limit as it is.
  if (!filtered && keys.length > MAX_FEATURES) {
    featuresCounted = keys.length;
    out();
  }
  for (const key of ownKeysOnly(file, keys)) {
    if (!keep(key, filter)) continue; // counted after the filter
    if (++count > MAX_FEATURES) out();
    const commaKey = featureKey(key);
    text += count > 1 ? commaKey : commaKey.slice(1);
    text += featureValue(file[key]);
  }
  return `${text}}`;
}

function tags(time: unknown): string {
  if (!isPlain(time)) return out();
  const keys = recordKeys(time, MAX_TAGS);
  let text = "{";
  for (let index = 0; index < keys.length; index++) {
    const name = keys[index] as string;
    text += `${index ? "," : ""}${key(name, MAX_TAG_KEY_LENGTH)}:${str(time[name], 0, MAX_TAG_VALUE_LENGTH)}`;
  }
  return `${text}}`;
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
export function fastPredictionJson(event: PendingEvent, id: string, ctx: FastContext): string | undefined {
  featuresCounted = -1;
  try {
    const index = event.input;
    if (!isPlain(index)) return undefined;
    keysIn(index, PREDICTION_KEYS);
    const pid = str(event.predictionId, 1, MAX_ID_LENGTH);
    let text = `{"specversion":"1.0","id":${str(id, 1, MAX_ID_LENGTH)},"source":${str(ctx.source, 1, MAX_NAME_LENGTH)},"time":"${isoOf(event.at)}","subject":${pid}`;
    if (ctx.sampleRate < 1) text += `,"samplerate":${num(ctx.sampleRate)}`;
    text += `,"type":"ml.prediction","data":{"predictionId":${pid},"model":${model(index.model ?? ctx.model)}`;
    if (index.task !== undefined) {
      if (!TASK_SET.has(index.task)) out();
      text += `,"task":"${index.task}"`;
    }
    text += `,"output":${output(index.output)}`;
    if (index.features !== undefined) text += `,"features":${features(index.features, ctx.filter)}`;
    if (index.tags !== undefined) text += `,"tags":${tags(index.tags)}`;
    if (index.subjectKey !== undefined) text += `,"subjectKey":${str(index.subjectKey, 1, MAX_ID_LENGTH)}`;
    if (index.latencyMs !== undefined) text += `,"latencyMs":${nonNegative(index.latencyMs)}`;
    if (index.outcomeTtlSeconds !== undefined) {
      if (!Number.isSafeInteger(index.outcomeTtlSeconds) || (index.outcomeTtlSeconds as number) <= 0) out();
      text += `,"outcomeTtlSeconds":${index.outcomeTtlSeconds}`;
    }
    if (index.shadow !== undefined) text += `,"shadow":${typeof index.shadow === "boolean" ? index.shadow : out()}`;
    return `${text}}}`;
  } catch (error) {
    if (error === OUT) return undefined;
    return undefined; // a throwing getter or Proxy: the general path reports it
  }
}
