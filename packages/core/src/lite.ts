/**
 * `@inferlog/core/lite`: the zod-free part of core, for bundles that count bytes (the browser
 * adapter imports its runtime values from here) and for the Node adapter, whose import then costs
 * no zod (about 100 ms of CPU at every cold start). Nothing reachable from this entry imports zod,
 * so a bundler never sees the schemas; `@inferlog/core` remains the full API.
 */
export { createBaseClient } from "./base-client.js";
export {
  DEFAULT_FLUSH_AT,
  DEFAULT_FLUSH_TIMEOUT_MS,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from "./defaults.js";
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
  threw,
  ValidationError,
} from "./errors.js";
export { createTransport, DEFAULT_REQUEST_TIMEOUT_MS, type MakeRequest } from "./fetch-transport.js";
export { parseRetryAfter, RETRYABLE_STATUSES, resultFromResponse } from "./http-response.js";
export { liteValidateEvent } from "./lite-validate.js";
export { maskSecret } from "./mask-secret.js";
export { checkHooks, cloudEventsBatchEncoder } from "./options.js";
export { sleep, systemClock } from "./runtime.js";
export { EVENT_TYPES } from "./schema/enums.js";
export { showValue } from "./show-value.js";
export { keepsStored } from "./stats.js";
export { uncheckedEvent } from "./unchecked.js";
export { utf8Length } from "./utf8.js";
export { uuidv7 } from "./uuidv7.js";
