import type { Client } from "../client.js";
import { createFeatureProfiler, type FeatureProfiler } from "./feature-profiler.js";
import type { FeatureProfilerOptions } from "./profiler-options.js";

export interface ProfiledClient extends Client {
  readonly profiler: FeatureProfiler;
}

/**
 * The opt-in switch: a client whose `logPrediction` ships predictions without their raw
 * `features` and whose `logFeatures` ships nothing; both feed the profiler instead, which logs
 * `ml.feature_profile` per window. `flush()` and `shutdown()` first close the current window,
 * so no observed value is lost at exit.
 */
export function withFeatureProfiles(client: Client, options: FeatureProfilerOptions): ProfiledClient {
  const profiler = createFeatureProfiler(client, options);
  return {
    ...client,
    profiler,
    logPrediction(input) {
      if (input?.features === undefined) return client.logPrediction(input);
      profiler.observe(input.features, input.model);
      const { features: _raw, ...rest } = input;
      return client.logPrediction(rest);
    },
    logFeatures(input) {
      if (input?.features === undefined) return client.logFeatures(input);
      profiler.observe(input.features, input.model);
    },
    flush(opts) {
      profiler.flush();
      return client.flush(opts);
    },
    shutdown(opts) {
      profiler.stop();
      return client.shutdown(opts);
    },
  };
}
