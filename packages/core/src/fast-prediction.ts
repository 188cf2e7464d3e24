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
// Typed where it is declared, so a call narrows the caller's types as a throw does.
const out: () => never = () => {
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

/**
 * The event's JSON as it is written: parts joined once at the end into one flat string. Joining
 * `+=` by `+=` made a new string per join (a rope node, or a copy of a short one), about 3 KB of
 * garbage per 10-feature event, and flattening the rope (to count its bytes) copied it once more;
 * fewer bytes per event, fewer scavenges. A part costs the join ~14 ns (Node 20), about what a rope
 * node cost, so parts carry their separators and quotes where that is simple. The array is reused
 * from event to event, written by index and cut to length before the join, so its backing store is
 * not reallocated; the parts it still holds are the last event's, until the next one.
 */
const parts: string[] = [];
let partCount = 0;
const put = (part: string): void => {
  parts[partCount++] = part;
};
/** True while an event is written: a getter in the input that logs again must not share `parts`. */
let writing = false;

/** Writes a string's JSON (see `quote`) without joining the quotes to it first. */
const putQuoted = (value: string): void => {
  if (ESCAPED.test(value)) put(wellFormedJson(JSON.stringify(value)));
  else {
    put('"');
    put(value);
    put('"');
  }
};
/**
 * Writes a string's JSON without its quotes, for a caller whose parts around it hold them
 * (`{"id":"`, the id, `","source":"`): one part instead of three.
 */
const putInner = (value: string): void =>
  put(ESCAPED.test(value) ? wellFormedJson(JSON.stringify(value)).slice(1, -1) : value);
const checkedString = (value: unknown, min: number, max: number): string => {
  if (typeof value !== "string" || value.length < min || value.length > max) out();
  return value as string;
};
const str = (value: unknown, min: number, max: number): void => putQuoted(checkedString(value, min, max));
const num = (value: unknown): void => {
  if (typeof value !== "number" || !Number.isFinite(value)) out();
  put(`${value}`);
};
const nonNegative = (value: unknown): void => {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) out();
  put(`${value}`);
};
const label = (value: unknown): void => (typeof value === "number" ? num(value) : str(value, 0, MAX_NAME_LENGTH));
/** A record key: bounded, never a prototype key. */
const checkKey = (key: string, max: number): void => {
  if (key.length < 1 || key.length > max || FORBIDDEN_KEYS.has(key)) out();
};

/** The last model written: events nearly always name the same one, in the same strings. */
let lastModel: { name: unknown; version: unknown; environment: unknown; json: string } | undefined;
function model(match: unknown): void {
  if (!isPlain(match)) out();
  const { name, version } = match;
  keysIn(match, MODEL_KEYS); // dates (trainedAt, ...) need the general path's checks
  const environment = match.environment;
  const last = lastModel;
  if (last && name === last.name && version === last.version && environment === last.environment) {
    put(last.json);
    return;
  }
  let text = `{"name":${quote(checkedString(name, 1, MAX_NAME_LENGTH))},"version":${quote(checkedString(version, 1, MAX_NAME_LENGTH))}`;
  if (environment !== undefined)
    text += `,"environment":${quote(checkedString(environment, 1, MAX_ENVIRONMENT_LENGTH))}`;
  text += "}";
  lastModel = { name, version, environment, json: text };
  put(text);
}

/**
 * Candidates, after `"candidates":`. A part holds what ends one member and what starts the next
 * (`},{"id":"`, `","score":`), so a candidate is six parts rather than nine.
 */
function candidates(count: unknown): void {
  if (!Array.isArray(count) || count.length > MAX_CANDIDATES) out();
  for (let index = 0; index < count.length; index++) {
    const item = count[index];
    if (!isPlain(item)) out();
    keysIn(item, CANDIDATE_KEYS);
    let rank = item.rank;
    if (rank === undefined) rank = index + 1;
    else if (!Number.isSafeInteger(rank) || (rank as number) < 1) out();
    put(index ? '},{"id":"' : '[{"id":"');
    putInner(checkedString(item.id, 1, MAX_ID_LENGTH));
    // The id's closing quote is written with the next member's name.
    let idOpen = true;
    if (item.label !== undefined) {
      put('","label":');
      label(item.label);
      idOpen = false;
    }
    if (item.score !== undefined) {
      put(idOpen ? '","score":' : ',"score":');
      num(item.score);
      idOpen = false;
    }
    put(idOpen ? '","rank":' : ',"rank":');
    put(`${rank}`);
    if (item.itemAgeSeconds !== undefined) {
      put(',"itemAgeSeconds":');
      nonNegative(item.itemAgeSeconds);
    }
  }
  put(count.length ? "}]" : "[]");
}

/** The output, after `"output":`; a member's name is one part with the `{` or `,` before it. */
function output(options: unknown): void {
  if (!isPlain(options)) out();
  keysIn(options, OUTPUT_KEYS);
  let first = true;
  const value = options.label;
  if (value !== undefined) {
    if (typeof value === "number") {
      put('{"label":');
      num(value);
    } else {
      put('{"label":"');
      putInner(checkedString(value, 0, MAX_NAME_LENGTH));
      put('"');
    }
    first = false;
  }
  if (options.score !== undefined) {
    put(first ? '{"score":' : ',"score":');
    num(options.score);
    first = false;
  }
  if (options.candidates !== undefined) {
    put(first ? '{"candidates":' : ',"candidates":');
    candidates(options.candidates);
    first = false;
  }
  if (options.k !== undefined) {
    if (!Number.isSafeInteger(options.k) || (options.k as number) < 1) out();
    put(first ? '{"k":' : ',"k":');
    put(`${options.k}`);
    first = false;
  }
  put(first ? "{}" : "}");
}

/** A feature value's JSON, but for a string's (`features` writes those with their key). */
function featureValue(value: unknown): void {
  if (typeof value === "number") num(value);
  else if (value === null) put("null");
  else if (typeof value === "boolean") put(value ? "true" : "false");
  else featureArray(value);
}

function featureArray(value: unknown): void {
  if (!Array.isArray(value) || value.length > MAX_FEATURE_ARRAY_LENGTH) out();
  put("[");
  for (let index = 0; index < value.length; index++) {
    const item = value[index];
    if (typeof item !== "string" || item.length > MAX_FEATURE_STRING_LENGTH) out();
    if (index) put(",");
    putQuoted(item);
  }
  put("]");
}

/**
 * A feature name's key, written as one part with what comes before it (`{` for the first feature,
 * `,` for the others) and, for a string value, the value's opening quote.
 */
interface FeatureKey {
  first: string;
  next: string;
  firstString: string;
  nextString: string;
}
/** Feature names recur event after event: keys of names that passed the checks, up to a bound. */
const featureKeys = new Map<string, FeatureKey>();
const FEATURE_KEYS_KEPT = 4096;
function featureKey(name: string): FeatureKey {
  const known = featureKeys.get(name);
  if (known !== undefined) return known;
  checkKey(name, MAX_FEATURE_NAME_LENGTH);
  const json = `${quote(name)}:`;
  const key = { first: `{${json}`, next: `,${json}`, firstString: `{${json}"`, nextString: `,${json}"` };
  if (featureKeys.size >= FEATURE_KEYS_KEPT) featureKeys.clear();
  featureKeys.set(name, key);
  return key;
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
function features(file: unknown, filter: FeatureFilter): void {
  if (!isPlain(file)) out();
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
    const names = featureKey(key);
    const value = file[key]; // read once: a getter cannot change it between check and write
    if (typeof value === "string") {
      if (value.length > MAX_FEATURE_STRING_LENGTH) out();
      put(count > 1 ? names.nextString : names.firstString);
      putInner(value);
      put('"');
    } else {
      put(count > 1 ? names.next : names.first);
      featureValue(value);
    }
  }
  put(count > 0 ? "}" : "{}");
}

function tags(time: unknown): void {
  if (!isPlain(time)) out();
  const keys = recordKeys(time, MAX_TAGS);
  put("{");
  for (let index = 0; index < keys.length; index++) {
    const name = keys[index] as string;
    checkKey(name, MAX_TAG_KEY_LENGTH);
    if (index) put(",");
    putQuoted(name);
    put(":");
    str(time[name], 0, MAX_TAG_VALUE_LENGTH);
  }
  put("}");
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
  if (writing) return undefined; // logged from a getter of an input being written: the general path
  writing = true;
  partCount = 0;
  try {
    const index = event.input;
    if (!isPlain(index)) return undefined;
    keysIn(index, PREDICTION_KEYS);
    const predictionId = checkedString(event.predictionId, 1, MAX_ID_LENGTH);
    put('{"specversion":"1.0","id":"');
    putInner(checkedString(id, 1, MAX_ID_LENGTH));
    put('","source":"');
    putInner(checkedString(ctx.source, 1, MAX_NAME_LENGTH));
    put('","time":"');
    put(isoOf(event.at));
    put('","subject":"');
    putInner(predictionId);
    if (ctx.sampleRate < 1) {
      put('","samplerate":');
      num(ctx.sampleRate);
      put(',"type":"ml.prediction","data":{"predictionId":"');
    } else put('","type":"ml.prediction","data":{"predictionId":"');
    putInner(predictionId);
    put('","model":');
    model(index.model ?? ctx.model);
    if (index.task !== undefined) {
      if (!TASK_SET.has(index.task)) out();
      put(',"task":"');
      put(index.task as string);
      put('"');
    }
    put(',"output":');
    output(index.output);
    if (index.features !== undefined) {
      put(',"features":');
      features(index.features, ctx.filter);
    }
    if (index.tags !== undefined) {
      put(',"tags":');
      tags(index.tags);
    }
    if (index.subjectKey !== undefined) {
      put(',"subjectKey":');
      str(index.subjectKey, 1, MAX_ID_LENGTH);
    }
    if (index.latencyMs !== undefined) {
      put(',"latencyMs":');
      nonNegative(index.latencyMs);
    }
    if (index.outcomeTtlSeconds !== undefined) {
      if (!Number.isSafeInteger(index.outcomeTtlSeconds) || (index.outcomeTtlSeconds as number) <= 0) out();
      put(',"outcomeTtlSeconds":');
      put(`${index.outcomeTtlSeconds}`);
    }
    if (index.shadow !== undefined) {
      if (typeof index.shadow !== "boolean") out();
      put(index.shadow ? ',"shadow":true' : ',"shadow":false');
    }
    put("}}");
    parts.length = partCount;
    return parts.join("");
  } catch (error) {
    if (error === OUT) return undefined;
    return undefined; // a throwing getter or Proxy: the general path reports it
  } finally {
    writing = false;
  }
}
