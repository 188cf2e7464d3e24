import { ValidationError } from "./errors.js";
import type { EventValidator } from "./pipeline.js";
import {
  DATA_CONTENT_TYPE,
  FEEDBACK_ACTIONS,
  FEEDBACK_KINDS,
  OUTCOME_SOURCES,
  PROFILE_COLUMN_KINDS,
  SPEC_VERSION,
  TASKS,
} from "./schema/enums.js";
import type { EventType, InferlogEvent } from "./schema/events.js";
import { describeValue, sizeOf, typeHint } from "./schema/issues.js";
import {
  FORBIDDEN_KEYS,
  MAX_CANDIDATES,
  MAX_ENVIRONMENT_LENGTH,
  MAX_FEATURE_ARRAY_LENGTH,
  MAX_FEATURE_NAME_LENGTH,
  MAX_FEATURE_STRING_LENGTH,
  MAX_FEATURES,
  MAX_FEEDBACK_VALUE,
  MAX_ID_LENGTH,
  MAX_LABELS,
  MAX_METRICS,
  MAX_NAME_LENGTH,
  MAX_PROFILE_COLUMNS,
  MAX_SHOWN,
  MAX_SKETCH_BINS,
  MAX_SKETCH_KEY_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
  MAX_TOP_VALUES,
  MIN_FEEDBACK_VALUE,
} from "./schema/limits.js";
import { DATETIME_PATTERN, TRACEPARENT_PATTERN } from "./schema/patterns.js";
import { wellFormedText } from "./well-formed-json.js";

/**
 * The wire contract of `schema/events.ts`, hand-written for bundles that cannot afford zod
 * (the browser). Every check builds its own output, so unknown keys are stripped as zod strips
 * them. It accepts nothing `eventSchema` refuses (lite-validate.property.test.ts proves it
 * against zod) and refuses slightly more: records must be plain objects without symbol keys.
 */

/** Checks one value at `path`; returns the value to send (undefined: leave the key out) or throws a Fail. */
type Check = (v: unknown, path: string) => unknown;
type Fail = [path: string, message: string];

const fail = (path: string, message: string): never => {
  throw [path, message] satisfies Fail;
};
const expected = (path: string, what: string, v: unknown): never =>
  fail(path, `Expected \`${path}\` to be ${what}, got ${describeValue(v)}${typeHint(path, what, v)}`);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
/** Zod measures strings in code points; an array or a string within `max` UTF-16 units always fits. */
const size = (v: string | unknown[]): number => (typeof v === "string" ? [...v].length : v.length);

function bounded(path: string, v: string | unknown[], min: number, max: number, unit: string): void {
  if (v.length < min) fail(path, `\`${path}\` is too small: minimum ${min}, got ${sizeOf(v)}`);
  if (v.length > max && size(v) > max) fail(path, `\`${path}\` is too large: limit ${max} ${unit}, got ${sizeOf(v)}`);
}

const str =
  (max: number, min = 0): Check =>
  (v, p) => {
    if (typeof v !== "string") expected(p, "string", v);
    bounded(p, v as string, min, max, "characters");
    return v;
  };

const INT = 1;
const GT = 2;
const LT = 4;
/** A finite number in [lo, hi]; `flags` makes it an integer (INT) or a bound exclusive (GT, LT). */
const num =
  (lo = -Infinity, hi = Infinity, flags = 0): Check =>
  (v, p) => {
    if (typeof v !== "number" || !Number.isFinite(v)) expected(p, "number", v);
    const n = v as number;
    if (flags & INT && !Number.isSafeInteger(n)) expected(p, "int", v);
    if (n < lo || (flags & GT && n === lo))
      fail(p, `\`${p}\` is too small: ${flags & GT ? "must be greater than" : "minimum"} ${lo}, got ${n}`);
    if (n > hi || (flags & LT && n === hi))
      fail(p, `\`${p}\` is too large: ${flags & LT ? "must be less than" : "limit"} ${hi}, got ${n}`);
    return n;
  };

const oneOf =
  (...values: readonly unknown[]): Check =>
  (v, p) =>
    values.includes(v) ? v : expected(p, `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`, v);

const bool: Check = (v, p) => (typeof v === "boolean" ? v : expected(p, "boolean", v));

const pattern =
  (re: RegExp, format: string): Check =>
  (v, p) => {
    if (typeof v !== "string") expected(p, "string", v);
    return re.test(v as string) ? v : expected(p, `a valid ${format}`, v);
  };

const opt =
  (check: Check): Check =>
  (v, p) =>
    v === undefined ? undefined : check(v, p);

const arr =
  (item: Check, max: number, min = 0): Check =>
  (v, p) => {
    if (!Array.isArray(v)) expected(p, "array", v);
    const a = v as unknown[];
    bounded(p, a, min, max, "items");
    // Array.from visits the holes of a sparse array (map skips them), as zod does.
    return Array.from(a, (x, i) => item(x, `${p}[${i}]`));
  };

const obj =
  (shape: Record<string, Check>): Check =>
  (v, p) => {
    if (!isObject(v)) expected(p, "object", v);
    const out: Record<string, unknown> = {};
    for (const k in shape) {
      const x = (shape[k] as Check)((v as Record<string, unknown>)[k], p ? `${p}.${k}` : k);
      if (x !== undefined) out[k] = x;
    }
    return out;
  };

/** Zod's records take plain objects only; the contract refuses reserved keys by name. */
const rec =
  (keyMax: number, value: Check, maxKeys: number): Check =>
  (v, p) => {
    const proto = isObject(v) && Object.getPrototypeOf(v);
    if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(v).length > 0)
      expected(p, "record", v);
    const keys = Object.keys(v as object);
    if (keys.length > maxKeys) fail(p, `\`${p}\` has more than ${maxKeys} keys (got ${keys.length} keys)`);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const at = `${p}.${k}`;
      if (FORBIDDEN_KEYS.has(k)) fail(at, `\`${at}\` is a reserved key (__proto__, constructor, prototype)`);
      bounded(at, k, 1, keyMax, "characters");
      out[k] = value((v as Record<string, unknown>)[k], at);
    }
    return out;
  };

/**
 * The contract's checks, built on first use: a bundle that imports this module's chunk without
 * calling the validator (the browser's production build) drops all of it as unused code.
 */
function buildContract() {
  const id = str(MAX_ID_LENGTH, 1);
  const name = str(MAX_NAME_LENGTH, 1);
  const time = pattern(DATETIME_PATTERN, "datetime");
  const any = num();
  const nonNegative = num(0);
  const position = num(0, undefined, INT);
  const positiveInt = num(1, undefined, INT);
  const featureString = str(MAX_FEATURE_STRING_LENGTH);
  const labelString = str(MAX_NAME_LENGTH);
  const label: Check = (v, p) => (typeof v === "number" ? any(v, p) : labelString(v, p));
  const labels = arr(labelString, MAX_LABELS);
  const featureList = arr(featureString, MAX_FEATURE_ARRAY_LENGTH);
  const featureValue: Check = (v, p) => {
    if (v === null || typeof v === "boolean") return v;
    if (typeof v === "number") return any(v, p);
    if (typeof v === "string") return featureString(v, p);
    return Array.isArray(v) ? featureList(v, p) : fail(p, `\`${p}\` has an unsupported type: got ${describeValue(v)}`);
  };
  const model = obj({
    name,
    version: name,
    environment: opt(str(MAX_ENVIRONMENT_LENGTH, 1)),
    trainedAt: opt(time),
    dataCutoff: opt(time),
    deployedAt: opt(time),
  });
  const features = rec(MAX_FEATURE_NAME_LENGTH, featureValue, MAX_FEATURES);
  const linked = { predictionId: id, modelName: name, predictionTime: opt(time), subjectKey: opt(id) };

  const data: Record<EventType, Check> = {
    "ml.prediction": obj({
      predictionId: id,
      model,
      task: opt(oneOf(...TASKS)),
      output: obj({
        label: opt(label),
        labels: opt(labels),
        score: opt(any),
        probabilities: opt(rec(MAX_NAME_LENGTH, num(0, 1), MAX_CANDIDATES)),
        candidates: opt(
          arr(
            obj({ id, label: opt(label), score: opt(any), rank: positiveInt, itemAgeSeconds: opt(nonNegative) }),
            MAX_CANDIDATES,
          ),
        ),
        k: opt(positiveInt),
      }),
      features: opt(features),
      tags: opt(rec(MAX_TAG_KEY_LENGTH, str(MAX_TAG_VALUE_LENGTH), MAX_TAGS)),
      subjectKey: opt(id),
      latencyMs: opt(nonNegative),
      outcomeTtlSeconds: opt(positiveInt),
      shadow: opt(bool),
    }),
    "ml.exposure": obj({
      ...linked,
      shown: arr(obj({ id, position }), MAX_SHOWN, 1),
      surface: name,
      ignoreAfterMs: opt(positiveInt),
    }),
    "ml.feedback": obj({
      ...linked,
      action: oneOf(...FEEDBACK_ACTIONS),
      kind: oneOf(...FEEDBACK_KINDS),
      candidateId: opt(id),
      position: opt(position),
      value: opt(num(MIN_FEEDBACK_VALUE, MAX_FEEDBACK_VALUE)),
      dwellMs: opt(nonNegative),
      exposureId: opt(id),
    }),
    "ml.outcome": obj({
      ...linked,
      label: opt(label),
      labels: opt(labels),
      relevantIds: opt(arr(id, MAX_CANDIDATES)),
      metrics: opt(rec(MAX_TAG_KEY_LENGTH, any, MAX_METRICS)),
      source: oneOf(...OUTCOME_SOURCES),
      revision: opt(position),
    }),
    "ml.features": obj({ model, features, predictionId: opt(id), entityKey: opt(id) }),
    "ml.feature_profile": obj({
      model,
      windowStart: time,
      windowEnd: time,
      columns: rec(
        MAX_FEATURE_NAME_LENGTH,
        obj({
          kind: oneOf(...PROFILE_COLUMN_KINDS),
          count: nonNegative,
          nulls: nonNegative,
          min: opt(any),
          max: opt(any),
          sum: opt(any),
          sketch: opt(
            obj({
              relativeAccuracy: num(0, 1, GT | LT),
              positive: rec(MAX_SKETCH_KEY_LENGTH, nonNegative, MAX_SKETCH_BINS),
              negative: rec(MAX_SKETCH_KEY_LENGTH, nonNegative, MAX_SKETCH_BINS),
              zeroCount: nonNegative,
            }),
          ),
          distinctEstimate: opt(nonNegative),
          topValues: opt(arr(obj({ value: featureString, count: nonNegative }), MAX_TOP_VALUES)),
        }),
        MAX_PROFILE_COLUMNS,
      ),
    }),
  };

  const envelope = obj({
    specversion: oneOf(SPEC_VERSION),
    id,
    source: name,
    time,
    subject: opt(id),
    datacontenttype: opt(oneOf(DATA_CONTENT_TYPE)),
    traceparent: opt(pattern(TRACEPARENT_PATTERN, "traceparent")),
    samplerate: opt(num(0, 1, GT)),
  });
  return { data, envelope };
}
let contract: ReturnType<typeof buildContract> | undefined;

/**
 * The validator of `@inferlog/browser`'s development build (and `@inferlog/browser/validate`): the same contract as `validateEvent` in a
 * fraction of the bytes. The caller's own fields (`data`) are checked first, as zod's are reported.
 */
export const liteValidateEvent: EventValidator = (type, event) => {
  try {
    if (!isObject(event)) expected("(root)", "object", event);
    const e = event as Record<string, unknown>;
    contract ??= buildContract();
    const { data: byType, envelope } = contract;
    const checkData = Object.hasOwn(byType, type) ? byType[type] : expected("type", "an event type", type);
    const data = checkData(e.data, "data");
    const out = envelope(e, "") as Record<string, unknown>;
    out.type = oneOf(type)(e.type, "type");
    out.data = data;
    return { ok: true, event: out as InferlogEvent };
  } catch (e) {
    if (!Array.isArray(e)) throw e;
    const [field, message] = e as Fail;
    return {
      ok: false,
      error: new ValidationError(wellFormedText(`Invalid ${type} event: ${message}`), wellFormedText(field)),
    };
  }
};
