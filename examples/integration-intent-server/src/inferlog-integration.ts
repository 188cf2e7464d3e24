import { type Client, type Integration, wrapPredict } from "@inferlog/core";
import type { IntentAnswer, IntentServerMonitor } from "./intent-server.js";
import { tokenize } from "./model.js";

export interface IntentServerIntegration extends Integration {
  /** Hand this to `createIntentServer`. */
  readonly monitor: IntentServerMonitor;
}

/**
 * The intent server's inferlog integration: each answer is logged as a prediction (with its
 * latency, probabilities and a few text features, never the text itself), corrections as
 * outcomes, and every event is tagged with the framework.
 */
export function intentServerIntegration(options: { tags?: Record<string, string> } = {}): IntentServerIntegration {
  let client: Client | undefined;
  // Outcomes must name the model their prediction came from; the server hands it to wrap().
  let modelName: string | undefined;
  const tags = { framework: "intent-server", ...options.tags };
  return {
    name: "intent-server",
    setup(c) {
      client = c;
      return () => {
        client = undefined;
      };
    },
    processEvent(event) {
      if (event.type !== "ml.prediction") return event;
      return { ...event, data: { ...event.data, tags: { ...tags, ...event.data.tags } } };
    },
    monitor: {
      wrap(predict, model) {
        modelName = model.name;
        return async (text) => {
          // Before setup (or after shutdown) the server answers unmonitored.
          if (!client) return predict(text);
          let predictionId: string | undefined;
          const answer = await wrapPredict(predict, {
            client,
            extract: (a: IntentAnswer, [t]) => ({
              model: { name: model.name, version: model.version },
              task: "multiclass",
              output: { label: a.label, score: a.score, probabilities: a.probabilities },
              features: { tokens: tokenize(t).length, question: t.trim().endsWith("?") },
            }),
            onLogged: (info) => {
              predictionId = info.predictionId;
            },
          })(text);
          return predictionId === undefined ? answer : { ...answer, predictionId };
        };
      },
      correction(predictionId, label) {
        client?.logOutcome({ predictionId, label, source: "human", ...(modelName ? { modelName } : {}) });
      },
    },
  };
}
