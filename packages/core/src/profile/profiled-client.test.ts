import { describe, expect, it } from "vitest";
import { createClient } from "../client.js";
import { FakeClock, MemoryTransport } from "../testing/index.js";
import { withFeatureProfiles } from "./index.js";

const MODEL = { name: "ticket-router", version: "v3" };
const T0 = Date.UTC(2026, 0, 1);
const output = { label: "billing", score: 0.9 };
const features = (i: number) => ({
  amount: 10 + ((i * 37) % 500) / 10,
  tenureDays: (i * 13) % 900,
  plan: ["free", "pro", "team"][i % 3] as string,
  country: ["DE", "FR", "US", "JP"][i % 4] as string,
  email: `user${i}@example.com`,
});

function setup() {
  const clock = new FakeClock(T0);
  const transport = new MemoryTransport();
  const client = createClient({ transport, source: "api", model: MODEL, clock, flushAt: 100_000 });
  return { clock, transport, client };
}

describe("withFeatureProfiles", () => {
  it("ships predictions without raw features and the window's profile at shutdown", async () => {
    const { clock, transport, client } = setup();
    const profiled = withFeatureProfiles(client, { windowMs: 3_600_000, sensitive: ["email"], clock });
    await clock.advance(1_000);
    const { predictionId } = profiled.logPrediction({ features: features(1), output });
    profiled.logFeatures({ features: features(2), predictionId });
    await clock.advance(1_000);
    await profiled.shutdown();
    expect(transport.events.map((e) => e.type)).toEqual(["ml.prediction", "ml.feature_profile"]);
    const [pred] = transport.eventsOfType("ml.prediction");
    expect(pred?.data.predictionId).toBe(predictionId);
    expect(pred?.data.features).toBeUndefined();
    const [prof] = transport.eventsOfType("ml.feature_profile");
    expect(prof?.data.windowStart).toBe(new Date(T0 + 1_000).toISOString());
    expect(prof?.data.windowEnd).toBe(new Date(T0 + 2_000).toISOString());
    expect(prof?.data.columns.plan?.topValues).toEqual([
      { value: "pro", count: 1 },
      { value: "team", count: 1 },
    ]);
    expect(prof?.data.columns.email).toEqual({ kind: "categorical", count: 2, nulls: 0, distinctEstimate: 2 });
    expect(transport.body()).not.toContain("example.com");
  });

  it("sends far fewer bytes than raw features: 10,000 predictions in one window", async () => {
    const raw = setup();
    for (let i = 0; i < 10_000; i++) raw.client.logFeatures({ features: features(i) });
    await raw.client.flush();
    const prof = setup();
    const profiled = withFeatureProfiles(prof.client, { windowMs: 3_600_000, sensitive: ["email"], clock: prof.clock });
    for (let i = 0; i < 10_000; i++) profiled.logFeatures({ features: features(i) });
    await profiled.flush();
    const rawBytes = raw.transport.body().length;
    const profileBytes = prof.transport.body().length;
    expect(prof.transport.events.map((e) => e.type)).toEqual(["ml.feature_profile"]);
    // Measured: 2,962,342 bytes of raw feature events against one 3,721-byte profile (about 800x less).
    expect(rawBytes).toBeGreaterThan(2_900_000);
    expect(profileBytes).toBeLessThan(4_000);
  });
});
