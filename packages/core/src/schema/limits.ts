/**
 * Wire-contract limits. Clients check them before sending; collectors enforce
 * them on receipt with the same schemas, so both sides agree on what is valid.
 */
export const LIMITS = {
  /** Event ids, prediction ids, candidate ids and other identifiers. */
  maxIdLength: 128,
  /** `source`, model name/version, `surface`, label strings. */
  maxNameLength: 256,
  maxTags: 32,
  maxTagKeyLength: 64,
  maxTagValueLength: 256,
  maxFeatures: 1000,
  maxFeatureNameLength: 128,
  maxFeatureStringLength: 4096,
  maxFeatureArrayLength: 256,
  maxCandidates: 100,
  maxShown: 100,
  maxLabels: 100,
  maxMetrics: 64,
  maxProfileColumns: 1000,
  maxTopValues: 100,
  maxSketchBins: 4096,
  /** Default size of one serialized event; `maxEventBytes` can lower or raise it per client. */
  maxEventBytes: 256 * 1024,
} as const;

/** Keys that could reach `Object.prototype` if a consumer merged them into an object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
