export { type Client, createBaseClient, createClient, type FlushResult, type StoredEvent } from "./client.js";
export {
  DEFAULT_CIRCUIT_COOLDOWN_MS,
  DEFAULT_CIRCUIT_FAILURES,
  DEFAULT_CIRCUIT_MAX_COOLDOWN_MS,
  DEFAULT_FLUSH_AT,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_FLUSH_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_MAX_RETRY_DURATION_MS,
  DEFAULT_MIN_BACKOFF_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from "./defaults.js";
export { ndjsonEncoder } from "./encoders/ndjson.js";
export {
  ConfigError,
  checkOption,
  fnOption,
  InferlogError,
  intOption,
  isConfigError,
  isInferlogError,
  isTransportError,
  isValidationError,
  objectOption,
  TransportError,
  ValidationError,
} from "./errors.js";
export type { QueuedEvent } from "./event-queue.js";
export {
  createFetchTransport,
  createTransport,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type FetchLike,
  type FetchTransportOptions,
  fetchRequest,
  type HttpRequest,
  type HttpResponse,
  type HttpTransportOptions,
  type MakeRequest,
} from "./fetch-transport.js";
export { parseRetryAfter, RETRYABLE_STATUSES, resultFromResponse } from "./http-response.js";
export type {
  Candidate,
  ExposureInput,
  FeatureProfileInput,
  FeaturesInput,
  FeedbackInput,
  OutcomeInput,
  PredictionInput,
} from "./inputs.js";
export { INTAKE_HIGH_WATER } from "./intake.js";
export { createClientWith, type IntegrableOptions, type Integration } from "./integration.js";
export { JOIN_AT_CHARS, JOIN_MIN_QUEUE_BYTES, type JsonJoiner, jsonJoiner } from "./json-chunks.js";
export { liteValidateEvent } from "./lite-validate.js";
export { maskSecret } from "./mask-secret.js";
export {
  type ClientOptions,
  checkHooks,
  cloudEventsBatchEncoder,
  type DropInfo,
  type Encoder,
  type TaskQueue,
} from "./options.js";
export type { EventValidator, Pipeline, PrepareStep, ValidationResult } from "./pipeline.js";
export { prepareFast } from "./prepare-fast.js";
export type { Clock } from "./runtime.js";
export { sampleHash } from "./sampling.js";
export {
  candidateSchema,
  EVENT_TYPES,
  type EventType,
  type ExposureData,
  type ExposureEvent,
  eventSchema,
  exposureDataSchema,
  exposureEventSchema,
  FEEDBACK_ACTIONS,
  FEEDBACK_KINDS,
  type FeatureProfileData,
  type FeatureProfileEvent,
  type Features,
  type FeaturesData,
  type FeaturesEvent,
  type FeatureValue,
  type FeedbackAction,
  type FeedbackData,
  type FeedbackEvent,
  type FeedbackKind,
  featureProfileDataSchema,
  featureProfileEventSchema,
  featuresDataSchema,
  featuresEventSchema,
  feedbackDataSchema,
  feedbackEventSchema,
  type InferlogEvent,
  type IngestResponse,
  ingestResponseSchema,
  type ModelInfo,
  OUTCOME_SOURCES,
  type OutcomeData,
  type OutcomeEvent,
  type OutcomeSource,
  outcomeDataSchema,
  outcomeEventSchema,
  type PredictionData,
  type PredictionEvent,
  predictionDataSchema,
  predictionEventSchema,
  predictionOutputSchema,
  profileColumnSchema,
  TASKS,
  type Task,
} from "./schema/events.js";
export { formatIssue, formatIssues } from "./schema/issues.js";
export { FORBIDDEN_KEYS, LIMITS } from "./schema/limits.js";
export { showValue } from "./show-value.js";
export { type ClientStats, DROP_REASONS, type DropReason, keepsStored } from "./stats.js";
export type { AbortSignalLike, RejectedEvent, Transport, TransportRequest, TransportResult } from "./transport.js";
export { uncheckedEvent } from "./unchecked.js";
export { uuidv7, uuidv7Time } from "./uuidv7.js";
export { makeValidator, validateEvent } from "./validate.js";
export { type WrapPredictOptions, wrapPredict } from "./wrap-predict.js";
