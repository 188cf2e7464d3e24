import { describe, expect, it } from "vitest";
import { counts, type TestCollector } from "../test/collector.js";
import { perTest } from "../test/per-test.js";
import type { NodeClient } from "./create-client.js";

const live = perTest();
let collector: TestCollector;
let client: NodeClient;

describe("collector outage", () => {
  it("delivers every event, once per id, after the collector is down for 5 s", async () => {
    collector = await live.collector();
    const errors: string[] = [];
    client = live.client({
      endpoint: collector.url,
      source: "svc",
      model: { name: "m", version: "1" },
      flushAt: 20,
      flushIntervalMs: 50,
      minBackoffMs: 100,
      maxAttempts: 1_000, // short backoffs for a short test: bound the outage by time, not attempts
      maxBackoffMs: 1_000,
      circuitBreaker: { failureThreshold: 50, cooldownMs: 200 },
      onError: (e) => errors.push(e.message),
    });
    for (let i = 0; i < 100; i++) client.logPrediction({ predictionId: `before-${i}`, output: { label: "a" } });
    await client.flush({ timeoutMs: 5_000 });
    await collector.stop(); // down: connections refused from here on
    const downAt = Date.now();
    for (let i = 0; i < 300; i++) {
      client.logPrediction({ predictionId: `during-${i}`, output: { label: "a" } });
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - downAt))));
    expect(client.stats().retried).toBeGreaterThan(0);
    await collector.start(); // same port
    for (let i = 0; i < 100; i++) client.logPrediction({ predictionId: `after-${i}`, output: { label: "a" } });
    const r = await client.flush({ timeoutMs: 10_000 });
    expect(r.ok).toBe(true);
    const c = counts(collector.subjects);
    expect(c.size).toBe(500);
    for (const prefix of ["before", "during", "after"]) {
      const n = prefix === "during" ? 300 : 100;
      for (let i = 0; i < n; i++) expect(c.has(`${prefix}-${i}`), `${prefix}-${i}`).toBe(true);
    }
    // The collector only saw each event once, since nothing reached it while it was down.
    expect(collector.ids).toHaveLength(500);
    expect(client.stats().dropped.total).toBe(0);
    expect(errors).toEqual([]);
  });
});
