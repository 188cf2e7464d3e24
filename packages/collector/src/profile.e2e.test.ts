import { createClient, createFetchTransport } from "@inferlog/core";
import { withFeatureProfiles } from "@inferlog/core/profile";
import { afterEach, describe, expect, it } from "vitest";
import { type Running, startCollector } from "../test/test-http.js";
import { MODEL } from "../test/test-support.js";

describe("feature profiles end to end", () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it("client profiles → collector over HTTP → feature_profiles rows, no raw values stored", async () => {
    running = await startCollector("sqlite");
    const client = createClient({
      transport: createFetchTransport({ endpoint: running.endpoint }),
      source: "e2e",
      model: MODEL,
      logger: { warn: () => {} },
    });
    const profiled = withFeatureProfiles(client, { windowMs: 3_600_000, sensitive: ["email"] });
    for (let i = 0; i < 100; i++) {
      profiled.logPrediction({
        output: { label: "billing" },
        features: { amount: i % 10, plan: i % 4 === 0 ? "pro" : "free", email: `u${i}@corp.example` },
      });
    }
    const result = await profiled.shutdown();
    expect(result).toMatchObject({ ok: true, sent: 101, dropped: 0 });
    const store = running.collector.store;
    const rows = await store.readRows?.(
      "SELECT feature, kind, count, nulls, sum, min, max, top_values, distinct_estimate FROM feature_profiles ORDER BY feature",
    );
    expect(rows).toEqual([
      {
        feature: "amount",
        kind: "numeric",
        count: 100,
        nulls: 0,
        sum: 450,
        min: 0,
        max: 9,
        top_values: null,
        distinct_estimate: null,
      },
      {
        feature: "email",
        kind: "categorical",
        count: 100,
        nulls: 0,
        sum: null,
        min: null,
        max: null,
        top_values: null,
        // HyperLogLog estimate of the 100 distinct addresses (deterministic hash)
        distinct_estimate: 99,
      },
      {
        feature: "plan",
        kind: "categorical",
        count: 100,
        nulls: 0,
        sum: null,
        min: null,
        max: null,
        top_values: JSON.stringify([
          { value: "free", count: 75 },
          { value: "pro", count: 25 },
        ]),
        distinct_estimate: 2,
      },
    ]);
    const raw = await store.readRows?.("SELECT raw FROM events");
    expect(JSON.stringify(raw)).not.toContain("corp.example");
  });
});
