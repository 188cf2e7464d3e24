/**
 * `@inferlog/core/profile`: client-side feature profiles. A separate entry so the sketch
 * library stays out of bundles that do not profile.
 */
export { createFeatureProfiler, type FeatureProfiler, type FeatureProfilerStats } from "./feature-profiler.js";
export { type ProfiledClient, withFeatureProfiles } from "./profiled-client.js";
export {
  DEFAULT_MAX_TOP_VALUES,
  DEFAULT_MAX_TRACKED_VALUES,
  DEFAULT_RELATIVE_ACCURACY,
  type FeatureProfilerOptions,
} from "./profiler-options.js";
export type { WireSketch } from "./sketch.js";
