/**
 * The wire contract's single source, with `enums.ts` and `patterns.ts`: zod-free, so the zod
 * schemas (`common.ts`, `events.ts`), the browser's lite validator, the Node fast path and the
 * property tests' generators all import their numbers from here (contract-copies.test.ts walks
 * the zod schemas and holds the hand-written copies to them, bound by bound).
 *
 * Each limit is also its own constant, so a bundler inlines the number instead of shipping this table. */
/** Event ids, prediction ids, candidate ids and other identifiers. */
export const MAX_ID_LENGTH = 128;
/** `source`, model name/version, `surface`, label strings. */
export const MAX_NAME_LENGTH = 256;
export const MAX_TAGS = 32;
export const MAX_TAG_KEY_LENGTH = 64;
export const MAX_TAG_VALUE_LENGTH = 256;
export const MAX_FEATURES = 1000;
export const MAX_FEATURE_NAME_LENGTH = 128;
export const MAX_FEATURE_STRING_LENGTH = 4096;
export const MAX_FEATURE_ARRAY_LENGTH = 256;
export const MAX_CANDIDATES = 100;
export const MAX_SHOWN = 100;
export const MAX_LABELS = 100;
export const MAX_METRICS = 64;
export const MAX_PROFILE_COLUMNS = 1000;
export const MAX_TOP_VALUES = 100;
export const MAX_SKETCH_BINS = 4096;
/** A model's `environment` ("production", "staging", ...). */
export const MAX_ENVIRONMENT_LENGTH = 64;
/** A DDSketch bin index written as a record key. */
export const MAX_SKETCH_KEY_LENGTH = 16;
/** Feedback `value`: -1 (worst) to 1 (best). */
export const MIN_FEEDBACK_VALUE = -1;
export const MAX_FEEDBACK_VALUE = 1;
/** Default size of one serialized event; `maxEventBytes` can lower or raise it per client. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Wire-contract limits. Clients check them before sending; collectors enforce
 * them on receipt with the same schemas, so both sides agree on what is valid.
 */
export const LIMITS = {
  maxIdLength: MAX_ID_LENGTH,
  maxNameLength: MAX_NAME_LENGTH,
  maxTags: MAX_TAGS,
  maxTagKeyLength: MAX_TAG_KEY_LENGTH,
  maxTagValueLength: MAX_TAG_VALUE_LENGTH,
  maxFeatures: MAX_FEATURES,
  maxFeatureNameLength: MAX_FEATURE_NAME_LENGTH,
  maxFeatureStringLength: MAX_FEATURE_STRING_LENGTH,
  maxFeatureArrayLength: MAX_FEATURE_ARRAY_LENGTH,
  maxCandidates: MAX_CANDIDATES,
  maxShown: MAX_SHOWN,
  maxLabels: MAX_LABELS,
  maxMetrics: MAX_METRICS,
  maxProfileColumns: MAX_PROFILE_COLUMNS,
  maxTopValues: MAX_TOP_VALUES,
  maxSketchBins: MAX_SKETCH_BINS,
  maxEnvironmentLength: MAX_ENVIRONMENT_LENGTH,
  maxSketchKeyLength: MAX_SKETCH_KEY_LENGTH,
  maxEventBytes: MAX_EVENT_BYTES,
} as const;

/** Keys that could reach `Object.prototype` if a consumer merged them into an object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
