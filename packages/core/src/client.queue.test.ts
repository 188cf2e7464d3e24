import { describe, expect, it } from "vitest";
import type { DropInfo } from "./options.js";
import { predictionInput, setup } from "./test-helpers.js";
import { FakeClock, settle } from "./testing/fake-clock.js";
import { FaultTransport } from "./testing/fault-transport.js";

/**
 * The only upload slot is held by a batch that waits 60 s to retry (Retry-After), so
 * everything logged meanwhile stays in the bounded queue.
 */
async function blocked(overrides = {}) {
  const clock = new FakeClock();
  const transport = new FaultTransport([{ type: "status", status: 503, retryAfter: "60" }], () => clock.now());
  const drops: DropInfo[] = [];
  const s = setup({ transport, clock, onDrop: (d) => drops.push(d), ...overrides });
  s.client.logOutcome({ predictionId: "blocker", label: "x" });
  await s.client.flush({ timeoutMs: 0 });
  return { ...s, transport, drops };
}

describe("bounded queue", () => {
  it("never holds more than maxQueueSize events and counts every drop", async () => {
    const { client, drops, errors } = await blocked({ maxQueueSize: 50, flushAt: 10 });
    for (let i = 0; i < 500; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    await settle();
    const s = client.stats();
    expect(s).toMatchObject({ logged: 501, queued: 50, inFlight: 1 });
    // nothing lost silently: every logged event is queued, in flight, or counted as dropped
    expect(s.dropped.queue_full).toBe(450);
    expect(drops.reduce((n, d) => n + d.count, 0)).toBe(450);
    expect(errors.filter((e) => (e as { code?: string }).code === "queue_full")).toHaveLength(1);
  });

  it("bounds the queue by bytes as well", async () => {
    const { client } = await blocked({ maxQueueBytes: 8 * 1024, maxBatchBytes: 4 * 1024 });
    for (let i = 0; i < 200; i++) client.logPrediction(predictionInput(i));
    await settle();
    const s = client.stats();
    expect(s.queued).toBeLessThan(30);
    expect(s.queued + s.dropped.queue_full).toBe(200);
  });

  it("evicts the oldest predictions to keep feedback and outcomes when full", async () => {
    const { client, transport, clock } = await blocked({ maxQueueSize: 10, flushAt: 10 });
    for (let i = 0; i < 10; i++) client.logPrediction({ ...predictionInput(i), predictionId: `pred-${i}` });
    for (let i = 0; i < 4; i++) client.logFeedback({ predictionId: `pred-${i}`, action: "accepted" });
    for (let i = 0; i < 2; i++) client.logOutcome({ predictionId: `pred-${i}`, label: "x" });
    await settle();
    expect(client.stats()).toMatchObject({ queued: 10 });
    expect(client.stats().dropped.queue_full).toBe(6);
    await clock.advance(60_000);
    await client.flush();
    const delivered = transport.delivered.filter((e) => e.subject !== "blocker");
    expect(delivered.filter((e) => e.type === "ml.prediction").map((e) => e.subject)).toEqual([
      "pred-6",
      "pred-7",
      "pred-8",
      "pred-9",
    ]);
    expect(delivered.filter((e) => e.type === "ml.feedback")).toHaveLength(4);
    expect(delivered.filter((e) => e.type === "ml.outcome")).toHaveLength(2);
  });

  it("refuses an arriving prediction when only higher-priority events are queued", async () => {
    const { client, drops } = await blocked({ maxQueueSize: 3, flushAt: 3 });
    for (let i = 0; i < 3; i++) client.logOutcome({ predictionId: `o${i}`, label: "x" });
    client.logPrediction(predictionInput());
    await settle();
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ reason: "queue_full", count: 1 });
    expect(client.stats().queued).toBe(3);
  });
});
