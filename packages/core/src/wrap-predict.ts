import type { Client } from "./client.js";
import { ConfigError, InferlogError, checkOption as need } from "./errors.js";
import type { PredictionInput } from "./inputs.js";

export interface WrapPredictOptions<A extends unknown[], R> {
  client: Pick<Client, "logPrediction">;
  /** What to log for one call: output, features, tags... `latencyMs` is filled in unless you set it. */
  extract: (result: R, args: A) => PredictionInput;
  /** Called after each logged prediction, for example to keep the id for later feedback. */
  onLogged?: (info: { predictionId: string; latencyMs: number; result: R; args: A }) => void;
  /** Told when `extract` or `onLogged` throws; the model's result is returned all the same. */
  onError?: (error: InferlogError) => void;
  /** Monotonic milliseconds; defaults to `performance.now`. */
  now?: () => number;
}

const defaultNow = (): (() => number) => {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : Date.now;
};

/**
 * Wraps a model call (sync or async) so each successful call logs a prediction with its latency.
 * The wrapper returns (or throws) exactly what `fn` does; a failed call logs nothing.
 */
export function wrapPredict<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: WrapPredictOptions<A, R>,
): (...args: A) => Promise<R> {
  need(typeof fn === "function", "fn", "a function", fn);
  if (!options || typeof options.client?.logPrediction !== "function") {
    throw new ConfigError("Expected `client` to be an inferlog client (with logPrediction)");
  }
  need(
    typeof options.extract === "function",
    "extract",
    "a function (result, args) => PredictionInput",
    options.extract,
  );
  const now = options.now ?? defaultNow();
  return async (...args: A): Promise<R> => {
    const started = now();
    const result = await fn(...args);
    const latencyMs = Math.max(0, now() - started);
    try {
      const input = options.extract(result, args);
      const { predictionId } = options.client.logPrediction({ latencyMs, ...input });
      options.onLogged?.({ predictionId, latencyMs, result, args });
    } catch (cause) {
      options.onError?.(new InferlogError("integration", "wrapPredict could not log the prediction", { cause }));
    }
    return result;
  };
}
