import * as z from "zod/mini";
import {
  boundedRecord,
  featuresSchema,
  idString,
  isoTime,
  labelSchema,
  labelsSchema,
  modelSchema,
  nameString,
  safeKey,
  subjectKeySchema,
  tagsSchema,
} from "./common.js";
import {
  DATA_CONTENT_TYPE,
  type EVENT_TYPES,
  FEEDBACK_ACTIONS,
  FEEDBACK_KINDS,
  OUTCOME_SOURCES,
  PROFILE_COLUMN_KINDS,
  SPEC_VERSION,
  TASKS,
} from "./enums.js";
import { LIMITS, MAX_FEEDBACK_VALUE, MIN_FEEDBACK_VALUE } from "./limits.js";
import { TRACEPARENT_PATTERN } from "./patterns.js";

export {
  DATA_CONTENT_TYPE,
  EVENT_TYPES,
  FEEDBACK_ACTIONS,
  FEEDBACK_KINDS,
  OUTCOME_SOURCES,
  PROFILE_COLUMN_KINDS,
  SPEC_VERSION,
  TASKS,
} from "./enums.js";

const nonNegative = z.number().check(z.gte(0));
const position = z.int().check(z.gte(0));

export const candidateSchema = z.object({
  id: idString,
  label: z.optional(labelSchema),
  score: z.optional(z.number()),
  rank: z.int().check(z.gte(1)),
  itemAgeSeconds: z.optional(nonNegative),
});

export const predictionOutputSchema = z.object({
  label: z.optional(labelSchema),
  labels: z.optional(labelsSchema),
  score: z.optional(z.number()),
  probabilities: z.optional(
    boundedRecord(safeKey(LIMITS.maxNameLength), z.number().check(z.gte(0), z.lte(1)), LIMITS.maxCandidates),
  ),
  candidates: z.optional(z.array(candidateSchema).check(z.maxLength(LIMITS.maxCandidates))),
  k: z.optional(z.int().check(z.gte(1))),
});

export const predictionDataSchema = z.object({
  predictionId: idString,
  model: modelSchema,
  task: z.optional(z.enum(TASKS)),
  output: predictionOutputSchema,
  features: z.optional(featuresSchema),
  tags: z.optional(tagsSchema),
  subjectKey: z.optional(subjectKeySchema),
  latencyMs: z.optional(nonNegative),
  outcomeTtlSeconds: z.optional(z.int().check(z.gte(1))),
  /**
   * A challenger's prediction: this version scored the request beside the one whose answer was shown
   * (same `predictionId`, another `model.version`), so outcomes of the request label both. Never an exposure.
   */
  shadow: z.optional(z.boolean()),
});

/** Fields every prediction-linked event carries so joins need only model name + predictionId. */
const linked = {
  predictionId: idString,
  modelName: nameString,
  predictionTime: z.optional(isoTime),
  subjectKey: z.optional(subjectKeySchema),
};

export const exposureDataSchema = z.object({
  ...linked,
  shown: z.array(z.object({ id: idString, position })).check(z.minLength(1), z.maxLength(LIMITS.maxShown)),
  surface: nameString,
  ignoreAfterMs: z.optional(z.int().check(z.gte(1))),
});

export const feedbackDataSchema = z.object({
  ...linked,
  action: z.enum(FEEDBACK_ACTIONS),
  kind: z.enum(FEEDBACK_KINDS),
  candidateId: z.optional(idString),
  position: z.optional(position),
  value: z.optional(z.number().check(z.gte(MIN_FEEDBACK_VALUE), z.lte(MAX_FEEDBACK_VALUE))),
  dwellMs: z.optional(nonNegative),
  exposureId: z.optional(idString),
});

export const outcomeDataSchema = z.object({
  ...linked,
  label: z.optional(labelSchema),
  labels: z.optional(labelsSchema),
  relevantIds: z.optional(z.array(idString).check(z.maxLength(LIMITS.maxCandidates))),
  metrics: z.optional(boundedRecord(safeKey(LIMITS.maxTagKeyLength), z.number(), LIMITS.maxMetrics)),
  source: z.enum(OUTCOME_SOURCES),
  revision: z.optional(z.int().check(z.gte(0))),
});

export const featuresDataSchema = z.object({
  model: modelSchema,
  features: featuresSchema,
  predictionId: z.optional(idString),
  entityKey: z.optional(subjectKeySchema),
});

const sketchSchema = z.object({
  /** DDSketch relative accuracy (for example 0.01) that defines the logarithmic bins. */
  relativeAccuracy: z.number().check(z.gt(0), z.lt(1)),
  /** Bin index to count, for positive values, negative values (of the absolute value), and zeros. */
  positive: boundedRecord(safeKey(LIMITS.maxSketchKeyLength), nonNegative, LIMITS.maxSketchBins),
  negative: boundedRecord(safeKey(LIMITS.maxSketchKeyLength), nonNegative, LIMITS.maxSketchBins),
  zeroCount: nonNegative,
});

export const profileColumnSchema = z.object({
  kind: z.enum(PROFILE_COLUMN_KINDS),
  count: nonNegative,
  nulls: nonNegative,
  min: z.optional(z.number()),
  max: z.optional(z.number()),
  sum: z.optional(z.number()),
  sketch: z.optional(sketchSchema),
  distinctEstimate: z.optional(nonNegative),
  /** Omitted for columns marked sensitive. */
  topValues: z.optional(
    z
      .array(z.object({ value: z.string().check(z.maxLength(LIMITS.maxFeatureStringLength)), count: nonNegative }))
      .check(z.maxLength(LIMITS.maxTopValues)),
  ),
});

export const featureProfileDataSchema = z.object({
  model: modelSchema,
  windowStart: isoTime,
  windowEnd: isoTime,
  columns: boundedRecord(safeKey(LIMITS.maxFeatureNameLength), profileColumnSchema, LIMITS.maxProfileColumns),
});

const envelope = {
  specversion: z.literal(SPEC_VERSION),
  id: idString,
  source: nameString,
  time: isoTime,
  subject: z.optional(idString),
  datacontenttype: z.optional(z.literal(DATA_CONTENT_TYPE)),
  traceparent: z.optional(z.stringFormat("traceparent", TRACEPARENT_PATTERN)),
  /** CloudEvents extension (lower-case by the spec): the sampling rate that kept this event. */
  samplerate: z.optional(z.number().check(z.gt(0), z.lte(1))),
};

export const predictionEventSchema = z.object({
  ...envelope,
  type: z.literal("ml.prediction"),
  data: predictionDataSchema,
});
export const exposureEventSchema = z.object({ ...envelope, type: z.literal("ml.exposure"), data: exposureDataSchema });
export const feedbackEventSchema = z.object({ ...envelope, type: z.literal("ml.feedback"), data: feedbackDataSchema });
export const outcomeEventSchema = z.object({ ...envelope, type: z.literal("ml.outcome"), data: outcomeDataSchema });
export const featuresEventSchema = z.object({ ...envelope, type: z.literal("ml.features"), data: featuresDataSchema });
export const featureProfileEventSchema = z.object({
  ...envelope,
  type: z.literal("ml.feature_profile"),
  data: featureProfileDataSchema,
});

export const eventSchema = z.discriminatedUnion("type", [
  predictionEventSchema,
  exposureEventSchema,
  feedbackEventSchema,
  outcomeEventSchema,
  featuresEventSchema,
  featureProfileEventSchema,
]);

const eventNote = z.object({ index: z.int().check(z.gte(0)), reason: z.string() });

/**
 * What a collector answers to a batch: how many it took, which it refused, by index, and (`warnings`) events it
 * took with something the client should hear of, such as fields the contract does not know that it left out.
 */
export const ingestResponseSchema = z.object({
  accepted: z.int().check(z.gte(0)),
  rejected: z.optional(z.array(eventNote)),
  warnings: z.optional(z.array(eventNote)),
});

export type InferlogEvent = z.infer<typeof eventSchema>;
export type EventType = (typeof EVENT_TYPES)[number];
export type PredictionEvent = z.infer<typeof predictionEventSchema>;
export type ExposureEvent = z.infer<typeof exposureEventSchema>;
export type FeedbackEvent = z.infer<typeof feedbackEventSchema>;
export type OutcomeEvent = z.infer<typeof outcomeEventSchema>;
export type FeaturesEvent = z.infer<typeof featuresEventSchema>;
export type FeatureProfileEvent = z.infer<typeof featureProfileEventSchema>;
export type PredictionData = z.infer<typeof predictionDataSchema>;
export type ExposureData = z.infer<typeof exposureDataSchema>;
export type FeedbackData = z.infer<typeof feedbackDataSchema>;
export type OutcomeData = z.infer<typeof outcomeDataSchema>;
export type FeaturesData = z.infer<typeof featuresDataSchema>;
export type FeatureProfileData = z.infer<typeof featureProfileDataSchema>;
export type ModelInfo = z.infer<typeof modelSchema>;
export type FeatureValue = z.infer<typeof featuresSchema>[string];
export type Features = z.infer<typeof featuresSchema>;
export type Task = (typeof TASKS)[number];
export type FeedbackAction = (typeof FEEDBACK_ACTIONS)[number];
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export type OutcomeSource = (typeof OUTCOME_SOURCES)[number];
export type IngestResponse = z.infer<typeof ingestResponseSchema>;
