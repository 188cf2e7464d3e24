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
import { accepted } from "./stray-fields.js";
import { wellFormedText } from "./well-formed-json.js";

/**
 * The wire contract of `schema/events.ts`, hand-written for bundles that cannot afford zod
 * (the browser). Every check builds its own output, so unknown keys are stripped as zod strips
 * them. It accepts nothing `eventSchema` refuses (lite-validate.property.test.ts proves it
 * against zod) and refuses slightly more: records must be plain objects without symbol keys.
 */

/** Checks one value at `path`; returns the value to send (undefined: leave the key out) or throws a Fail. */
type Check = (value: unknown, path: string) => unknown;
type Fail = [path: string, message: string];

const fail = (path: string, message: string): never => {
  throw [path, message] satisfies Fail;
};
const expected = (path: string, what: string, value: unknown): never =>
  fail(path, `Expected \`${path}\` to be ${what}, got ${describeValue(value)}${typeHint(path, what, value)}`);
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
/** Zod measures strings in code points; an array or a string within `max` UTF-16 units always fits. */
const size = (value: string | unknown[]): number => (typeof value === "string" ? [...value].length : value.length);

function bounded(path: string, value: string | unknown[], min: number, max: number, unit: string): void {
  if (value.length < min) fail(path, `\`${path}\` is too small: minimum ${min}, got ${sizeOf(value)}`);
  if (value.length > max && size(value) > max)
    fail(path, `\`${path}\` is too large: limit ${max} ${unit}, got ${sizeOf(value)}`);
}

const str =
  (max: number, min = 0): Check =>
  (value, path) => {
    if (typeof value !== "string") expected(path, "string", value);
    bounded(path, value as string, min, max, "characters");
    return value;
  };

const INT = 1;
const GT = 2;
const LT = 4;
/** A finite number in [lo, hi]; `flags` makes it an integer (INT) or a bound exclusive (GT, LT). */
const num =
  (lo = -Infinity, hi = Infinity, flags = 0): Check =>
  (value, path) => {
    if (typeof value !== "number" || !Number.isFinite(value)) expected(path, "number", value);
    const count = value as number;
    if (flags & INT && !Number.isSafeInteger(count)) expected(path, "int", value);
    if (count < lo || (flags & GT && count === lo))
      fail(path, `\`${path}\` is too small: ${flags & GT ? "must be greater than" : "minimum"} ${lo}, got ${count}`);
    if (count > hi || (flags & LT && count === hi))
      fail(path, `\`${path}\` is too large: ${flags & LT ? "must be less than" : "limit"} ${hi}, got ${count}`);
    return count;
  };

const oneOf =
  (...values: readonly unknown[]): Check =>
  (value, path) =>
    values.includes(value)
      ? value
      : expected(path, `one of ${values.map((value) => JSON.stringify(value)).join(", ")}`, value);

const bool: Check = (value, path) => (typeof value === "boolean" ? value : expected(path, "boolean", value));

const pattern =
  (re: RegExp, format: string): Check =>
  (value, path) => {
    if (typeof value !== "string") expected(path, "string", value);
    return re.test(value as string) ? value : expected(path, `a valid ${format}`, value);
  };

const opt =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? undefined : check(value, path);

const arr =
  (item: Check, max: number, min = 0): Check =>
  (value, path) => {
    if (!Array.isArray(value)) expected(path, "array", value);
    const left = value as unknown[];
    bounded(path, left, min, max, "items");
    // Array.from visits the holes of a sparse array (map skips them), as zod does.
    return Array.from(left, (element, index) => item(element, `${path}[${index}]`));
  };

const obj =
  (shape: Record<string, Check>): Check =>
  (value, path) => {
    if (!isObject(value)) expected(path, "object", value);
    const out: Record<string, unknown> = {};
    for (const key in shape) {
      const item = (shape[key] as Check)((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (item !== undefined) out[key] = item;
    }
    return out;
  };

/** Zod's records take plain objects only; the contract refuses reserved keys by name. */
const rec =
  (keyMax: number, value: Check, maxKeys: number): Check =>
  (item, path) => {
    const proto = isObject(item) && Object.getPrototypeOf(item);
    if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(item).length > 0)
      expected(path, "record", item);
    const keys = Object.keys(item as object);
    if (keys.length > maxKeys) fail(path, `\`${path}\` has more than ${maxKeys} keys (got ${keys.length} keys)`);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const at = `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) fail(at, `\`${at}\` is a reserved key (__proto__, constructor, prototype)`);
      bounded(at, key, 1, keyMax, "characters");
      out[key] = value((item as Record<string, unknown>)[key], at);
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
  const label: Check = (value, path) => (typeof value === "number" ? any(value, path) : labelString(value, path));
  const labels = arr(labelString, MAX_LABELS);
  const featureList = arr(featureString, MAX_FEATURE_ARRAY_LENGTH);
  const featureValue: Check = (value, path) => {
    if (value === null || typeof value === "boolean") return value;
    if (typeof value === "number") return any(value, path);
    if (typeof value === "string") return featureString(value, path);
    return Array.isArray(value)
      ? featureList(value, path)
      : fail(path, `\`${path}\` has an unsupported type: got ${describeValue(value)}`);
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
    const entry = event as Record<string, unknown>;
    contract ??= buildContract();
    const { data: byType, envelope } = contract;
    const checkData = Object.hasOwn(byType, type) ? byType[type] : expected("type", "an event type", type);
    const data = checkData(entry.data, "data");
    const out = envelope(entry, "") as Record<string, unknown>;
    out.type = oneOf(type)(entry.type, "type");
    out.data = data;
    return accepted(type, entry, out as InferlogEvent);
  } catch (cause) {
    if (!Array.isArray(cause)) throw cause;
    const [field, message] = cause as Fail;
    return {
      ok: false,
      error: new ValidationError(wellFormedText(`Invalid ${type} event: ${message}`), wellFormedText(field)),
    };
  }
};
