import type { InferlogEvent } from "@inferlog/core";
import type { IncomingEvent } from "../src/store/types.js";

/**
 * The events of the report benchmark (bench/bench-report.ts): a ticket router's predictions, exposures, feedback
 * and outcomes, four per ticket, over 56 days from `BENCH_START`; the same events for the same `total` on
 * every store (a seeded generator).
 */
export const BENCH_START = Date.parse("2026-09-07T00:00:00Z");
export const DAY_MS = 86_400_000;
const QUEUES = ["billing", "technical", "account", "shipping", "returns"];
const iso = (ms: number) => new Date(ms).toISOString();

/** The events in batches of `batchSize` (the last one shorter). */
export function* benchEventBatches(total: number, batchSize = 10_000): Generator<IncomingEvent[]> {
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const tickets = Math.floor(total / 4);
  let batch: IncomingEvent[] = [];
  for (let i = 0; i < tickets; i++) {
    const t = BENCH_START + Math.floor((i / tickets) * 56 * DAY_MS);
    const pid = `p${i}`;
    const order = [...QUEUES].sort(() => random() - 0.5).slice(0, 3);
    const truth = random() < 0.8 ? (order[0] as string) : (QUEUES[Math.floor(random() * 5)] as string);
    const version = t < BENCH_START + 35 * DAY_MS ? "v1" : "v2";
    const subjectKey = `agent-${Math.floor(random() * 40)}`;
    const event = (type: string, time: number, data: Record<string, unknown>) => ({
      event: {
        specversion: "1.0",
        id: `${type}-${i}`,
        type,
        source: "bench",
        time: iso(time),
        subject: pid,
        data,
      } as unknown as InferlogEvent,
      receivedMs: time,
    });
    const linked = { predictionId: pid, modelName: "router", predictionTime: iso(t), subjectKey };
    batch.push(
      event("ml.prediction", t, {
        predictionId: pid,
        model: {
          name: "router",
          version,
          trainedAt: iso(version === "v1" ? BENCH_START - 2 * DAY_MS : BENCH_START + 34 * DAY_MS),
        },
        task: "ranking",
        output: {
          label: order[0],
          score: 0.5 + random() / 2,
          k: 3,
          candidates: order.map((id, k) => ({
            id,
            rank: k + 1,
            score: 1 - k / 3,
            itemAgeSeconds: Math.floor(random() * 1e6),
          })),
        },
        features: {
          words: Math.floor(random() * 400),
          plan: random() < 0.3 ? "pro" : "free",
          channel: random() < 0.6 ? "email" : "chat",
          sentiment: random() * 2 - 1,
          hasOrderId: random() < 0.4,
        },
        subjectKey,
        outcomeTtlSeconds: 4 * 86_400,
      }),
      event("ml.exposure", t, {
        ...linked,
        shown: order.map((id, position) => ({ id, position })),
        surface: "sidebar",
      }),
      event("ml.feedback", t + 30_000, {
        ...linked,
        action: random() < 0.7 ? "accepted" : "ignored",
        kind: "explicit",
      }),
      event("ml.outcome", t + DAY_MS + Math.floor(random() * 2 * DAY_MS), {
        ...linked,
        label: truth,
        relevantIds: [truth],
        source: "human",
        revision: 0,
        metrics: { handleTimeSavedSec: Math.floor(random() * 120) },
      }),
    );
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
