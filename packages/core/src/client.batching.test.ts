import { describe, expect, it } from "vitest";
import { predictionInput, setup } from "./test-helpers.js";
import { settle } from "./testing/fake-clock.js";

describe("batching", () => {
  it("sends a batch as soon as flushAt events are queued", async () => {
    const { client, transport } = setup({ flushAt: 3 });
    for (let i = 0; i < 7; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    await settle();
    expect(transport.batches.map((b) => b.events.length)).toEqual([3, 3]);
    expect(client.stats()).toMatchObject({ sent: 6, queued: 1 });
  });

  it("sends what is queued after flushIntervalMs", async () => {
    const { client, transport, clock } = setup({ flushIntervalMs: 2_000 });
    client.logOutcome({ predictionId: "p1", label: "x" });
    await clock.advance(1_999);
    expect(transport.batches).toHaveLength(0);
    await clock.advance(1);
    expect(transport.batches.map((b) => b.events.length)).toEqual([1]);
  });

  it("cuts batches at maxBatchBytes", async () => {
    const { client, transport } = setup({ maxBatchBytes: 2_048 });
    for (let i = 0; i < 6; i++) client.logPrediction(predictionInput(i));
    await client.flush();
    const sizes = transport.batches.map((b) => b.body.length);
    expect(transport.events).toHaveLength(6);
    expect(transport.batches.length).toBeGreaterThan(1);
    for (const s of sizes) expect(s).toBeLessThanOrEqual(2_048 + 2);
  });

  it("sends oldest first and keeps event order within the stream", async () => {
    const { client, transport } = setup();
    const ids = Array.from({ length: 20 }, (_, i) => client.logPrediction(predictionInput(i)).predictionId);
    await client.flush();
    expect(transport.events.map((e) => e.subject)).toEqual(ids);
  });

  it("does most work off the calling path: nothing is validated until the current task yields", async () => {
    const { client, transport } = setup();
    client.logPrediction(predictionInput());
    expect(client.stats()).toMatchObject({ logged: 1, enqueued: 0, queued: 1 });
    await settle();
    expect(client.stats()).toMatchObject({ enqueued: 1 });
    expect(transport.batches).toHaveLength(0); // below flushAt and before the interval
  });

  it("keeps at most maxConcurrency batches in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const transport = {
      async send() {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { kind: "ok" as const };
      },
    };
    const { client } = setup({ transport, flushAt: 2, maxConcurrency: 3 });
    for (let i = 0; i < 40; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    const r = await client.flush();
    expect(r.sent).toBe(40);
    expect(peak).toBe(3);
  });
});
