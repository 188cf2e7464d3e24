/** Valid wire events, built by hand so tests can break them on purpose. */
import { uuidv7 } from "@inferlog/core";

export type WireEvent = Record<string, unknown> & { id: string; data: Record<string, unknown> };

export function wirePrediction(predictionId = uuidv7(Date.now()), extra: Record<string, unknown> = {}): WireEvent {
  return {
    specversion: "1.0",
    id: uuidv7(Date.now()),
    type: "ml.prediction",
    source: "reliability",
    time: new Date().toISOString(),
    subject: predictionId,
    data: {
      predictionId,
      model: { name: "ticket-router", version: "v1" },
      task: "multiclass",
      output: { label: "billing", score: 0.9 },
      features: { age: 42, plan: "pro" },
      ...extra,
    },
  };
}

export function wireFeedback(predictionId: string): WireEvent {
  return {
    specversion: "1.0",
    id: uuidv7(Date.now()),
    type: "ml.feedback",
    source: "reliability",
    time: new Date().toISOString(),
    subject: predictionId,
    data: {
      predictionId,
      modelName: "ticket-router",
      predictionTime: new Date().toISOString(),
      action: "accepted",
      kind: "explicit",
    },
  };
}
