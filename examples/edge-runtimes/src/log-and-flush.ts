import { createClient, createFetchTransport, type FlushResult } from "@inferlog/core";

/**
 * The code every runtime runs: a client on the fetch transport (the runtime's own `fetch`) logs a
 * prediction, an exposure and feedback, then flushes. Returns what happened and the ids it logged.
 */
export async function logAndFlush(
  endpoint: string,
  runtime: string,
): Promise<{ flush: FlushResult; predictionId: string }> {
  const client = createClient({
    transport: createFetchTransport({ endpoint }),
    source: `edge-${runtime}`,
    model: { name: "edge-ranker", version: "1" },
  });
  const { predictionId } = client.logPrediction({
    output: { candidates: [{ id: "a" }, { id: "b" }] },
    features: { runtime, n: 3 },
    latencyMs: 1.5,
  });
  client.logExposure({ predictionId, shown: ["a", "b"], surface: "feed" });
  client.logFeedback({ predictionId, action: "accepted", candidateId: "a" });
  const flush = await client.shutdown({ timeoutMs: 10_000 });
  return { flush, predictionId };
}
