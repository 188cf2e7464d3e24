/** The wire contract's enumerations (zod-free: see limits.ts). */
export const EVENT_TYPES = [
  "ml.prediction",
  "ml.exposure",
  "ml.feedback",
  "ml.outcome",
  "ml.features",
  "ml.feature_profile",
] as const;
export const TASKS = ["binary", "multiclass", "multilabel", "regression", "ranking", "generation"] as const;
export const FEEDBACK_ACTIONS = [
  "accepted",
  "edited",
  "rejected",
  "dismissed",
  "ignored",
  "copied",
  "undone",
  "rated",
] as const;
export const FEEDBACK_KINDS = ["explicit", "implicit", "derived"] as const;
export const OUTCOME_SOURCES = ["system", "human", "derived"] as const;
export const PROFILE_COLUMN_KINDS = ["numeric", "categorical"] as const;
/** CloudEvents `specversion`. */
export const SPEC_VERSION = "1.0";
/** CloudEvents `datacontenttype`, when present. */
export const DATA_CONTENT_TYPE = "application/json";
