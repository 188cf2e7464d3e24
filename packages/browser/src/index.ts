export type { ExposureInput, FeedbackInput, FlushResult, PredictionInput } from "@inferlog/core";
// Runtime values come from core's zod-free entry, so a bundler never loads the schemas.
export { ConfigError, isConfigError, isInferlogError } from "@inferlog/core/lite";
export { type BrowserClient, createClient } from "./client.js";
export { type ElementExposureHandle, type ElementExposureOptions, trackElementExposure } from "./element-exposure.js";
export {
  type ExposureHandle,
  type ExposureOptions,
  type ExposureState,
  LEAVE_AFTER_MS,
  MIN_VISIBLE_MS,
} from "./exposure.js";
export { type BrowserTransportOptions, createBrowserTransport } from "./fetch-transport.js";
export type { PersistDrop } from "./idb-store.js";
export {
  createKeepaliveBudget,
  KEEPALIVE_MAX_BYTES,
  KEEPALIVE_MAX_REQUESTS,
  type KeepaliveBudget,
} from "./keepalive-budget.js";
export {
  type BrowserClientOptions,
  DEFAULT_DB_NAME,
  DEFAULT_MAX_STORAGE_BYTES,
  type PersistenceOptions,
} from "./options.js";
export type { StorageStats } from "./persistence.js";
