/** An `@inferlog/node` client tuned for fault tests: short timeouts and backoff, every id it enqueues recorded. */
import type { InferlogError } from "@inferlog/core";
import { createClient, type NodeClient, type NodeClientOptions } from "@inferlog/node";

export interface Sdk {
  client: NodeClient;
  /** Every event id the client enqueued (what must arrive). */
  ids: Set<string>;
  errors: InferlogError[];
  warnings: string[];
  /** Logs `n` predictions, each with an exposure every 5th, so batches mix types. */
  logMany(n: number, prefix: string): void;
}

export function startSdk(endpoint: string, options: Partial<NodeClientOptions> = {}): Sdk {
  const ids = new Set<string>();
  const errors: InferlogError[] = [];
  const warnings: string[] = [];
  const client = createClient({
    endpoint,
    source: "reliability",
    model: { name: "ticket-router", version: "v1" },
    flushAt: 25,
    flushIntervalMs: 20,
    minBackoffMs: 20,
    maxBackoffMs: 250,
    maxAttempts: 1_000,
    maxRetryDurationMs: 120_000,
    // A stall must become a retry quickly; the collector answers in milliseconds on loopback.
    headersTimeoutMs: 400,
    bodyTimeoutMs: 400,
    circuitBreaker: { failureThreshold: 5, cooldownMs: 100, maxCooldownMs: 500 },
    flushOnExit: false,
    logger: { warn: (m) => warnings.push(m) },
    onError: (e) => errors.push(e),
    hooks: {
      onEnqueued: (events) => {
        for (const e of events) ids.add(e.id);
      },
    },
    ...options,
  });
  return {
    client,
    ids,
    errors,
    warnings,
    logMany(n, prefix) {
      for (let i = 0; i < n; i++) {
        const predictionId = `${prefix}-${i}`;
        client.logPrediction({ predictionId, output: { label: "billing", score: 0.9 }, features: { i, plan: "pro" } });
        if (i % 5 === 0) client.logExposure({ predictionId, shown: ["billing"], surface: "inbox" });
      }
    },
  };
}
