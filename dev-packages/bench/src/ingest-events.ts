/**
 * The traffic of the collector ingest bench, as the issue measured it: two models, predictions
 * with top-3 candidates and 10 features, and for each prediction an exposure (80%), feedback (50%)
 * and an outcome (70%), in SDK-sized batches. Fresh ids on every call, so no run is deduplicated.
 */
import { uuidv7 } from "@inferlog/core";
import { features, output } from "./prediction.js";

const MODELS = [
  { name: "router", version: "v1", trainedAt: "2026-11-01T00:00:00Z" },
  { name: "ranker", version: "v7", trainedAt: "2026-11-02T00:00:00Z" },
];

/** Deterministic "random" choices, so every run sends the same mix. */
const chance = (i: number, salt: number, percent: number) => ((i * 2_654_435_761 + salt * 97) >>> 0) % 100 < percent;

export function ingestEvents(total: number): Record<string, unknown>[] {
  const now = Date.now();
  const out: Record<string, unknown>[] = [];
  for (let i = 0; out.length < total; i++) {
    const model = MODELS[i % 2] as (typeof MODELS)[number];
    const predictionId = uuidv7(now);
    const time = new Date(now - (total - i) * 10).toISOString();
    const envelope = (type: string, data: Record<string, unknown>) => ({
      specversion: "1.0",
      id: uuidv7(now),
      type,
      source: "bench",
      time,
      subject: predictionId,
      data,
    });
    const linked = { predictionId, modelName: model.name, predictionTime: time };
    out.push(
      envelope("ml.prediction", {
        predictionId,
        model,
        task: "multiclass",
        output: { ...output, candidates: output.candidates.map((c, r) => ({ ...c, rank: r + 1 })) },
        features: features(i),
      }),
    );
    if (chance(i, 1, 80)) {
      out.push(
        envelope("ml.exposure", {
          ...linked,
          surface: "inbox",
          shown: output.candidates.map((c, position) => ({ id: c.id, position })),
        }),
      );
    }
    if (chance(i, 2, 50)) {
      out.push(envelope("ml.feedback", { ...linked, action: "accepted", kind: "explicit", candidateId: "billing" }));
    }
    if (chance(i, 3, 70)) {
      out.push(envelope("ml.outcome", { ...linked, label: "billing", relevantIds: ["billing"], source: "human" }));
    }
  }
  return out.slice(0, total);
}

export const batches = <T>(events: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
};
