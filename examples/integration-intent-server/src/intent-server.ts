import type { IntentModel } from "./model.js";

/** One answer of the server. `predictionId` is set when a monitor (inferlog) logged the call. */
export interface IntentAnswer {
  label: string;
  score: number;
  probabilities: Record<string, number>;
  predictionId?: string;
}

/** What the server lets a monitoring library do: wrap each call, and hear about corrections. */
export interface IntentServerMonitor {
  wrap(predict: (text: string) => Promise<IntentAnswer>, model: IntentModel): (text: string) => Promise<IntentAnswer>;
  correction(predictionId: string, label: string): void;
}

export interface IntentServer {
  predict(text: string): Promise<IntentAnswer>;
  /** A human said what the intent really was. */
  correct(predictionId: string, label: string): void;
}

/** The "framework": serves a model over a tiny API. It knows nothing of inferlog. */
export function createIntentServer(model: IntentModel, monitor?: IntentServerMonitor): IntentServer {
  const raw = async (text: string): Promise<IntentAnswer> => {
    if (typeof text !== "string") throw new TypeError(`Expected \`text\` to be a string, got \`${typeof text}\``);
    const { label, probabilities } = model.predict(text);
    return { label, score: probabilities[label]!, probabilities };
  };
  const predict = monitor ? monitor.wrap(raw, model) : raw;
  return {
    predict,
    correct: (predictionId, label) => monitor?.correction(predictionId, label),
  };
}
