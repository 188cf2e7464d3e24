import { describe, expect, it } from "vitest";
import type { QueuedEvent } from "./event-queue.js";
import { predictionInput, setup } from "./test-helpers.js";

/** Three feedbacks (the first two already on disk, as the adapter says) and two predictions, queued. */
async function queued() {
  const enqueued: QueuedEvent[] = [];
  const onDisk = new Set<string>();
  const asked: string[] = [];
  const { client, transport, clock } = setup({
    flushIntervalMs: 60_000,
    hooks: {
      onEnqueued: (events) => enqueued.push(...events),
      isPersisted: (event) => {
        asked.push(event.id);
        return onDisk.has(event.id);
      },
    },
  });
  for (const p of ["p1", "p2", "p3"]) client.logFeedback({ predictionId: p, action: "accepted" });
  client.logPrediction(predictionInput(1));
  client.logPrediction(predictionInput(2));
  await clock.advance(0);
  expect(enqueued.map((e) => e.type)).toEqual([
    "ml.feedback",
    "ml.feedback",
    "ml.feedback",
    "ml.prediction",
    "ml.prediction",
  ]);
  const [fb1, fb2, fb3, predA, predB] = enqueued as [QueuedEvent, QueuedEvent, QueuedEvent, QueuedEvent, QueuedEvent];
  onDisk.add(fb1.id);
  onDisk.add(fb2.id);
  expect(transport.batches).toHaveLength(0);
  return { client, transport, clock, asked, fb1, fb2, fb3, predA, predB };
}

/** The budget that fits exactly `events` in one default-encoded (JSON array) body. */
const budgetFor = (...events: QueuedEvent[]) => events.reduce((n, e) => n + e.bytes + 1, 1);

describe("sendNow prefers events not yet on disk (hooks.isPersisted)", () => {
  it("gives a budget too small for all to the events not on disk, across priorities, before stored feedback", async () => {
    const { client, transport, clock, fb1, fb2, fb3, predA, predB } = await queued();
    // Room for three events: by priority alone it would be the three feedbacks (two of them safe on disk).
    const maxBytes = budgetFor(fb3, predA, predB);
    expect(maxBytes).toBeLessThan(budgetFor(fb3, predA, predB, fb1));
    expect(client.sendNow({ maxBytes, maxEvents: 100 })).toBe(3);
    await clock.advance(0);
    expect(transport.batches).toHaveLength(1);
    expect(transport.batches[0]?.body.length).toBeLessThanOrEqual(maxBytes);
    expect(transport.events.map((e) => e.id)).toEqual([fb3.id, predA.id, predB.id]);
    expect(client.stats()).toMatchObject({ queued: 2, sent: 3 });
    // The stored ones are still queued, oldest first, and go with the next request.
    expect(client.sendNow({ maxBytes: 60 * 1024, maxEvents: 100 })).toBe(2);
    await clock.advance(0);
    expect(transport.batches[1]?.events.map((e) => e.id)).toEqual([fb1.id, fb2.id]);
    expect(client.stats()).toMatchObject({ queued: 0, sent: 5 });
  });

  it("fills the rest of the budget with stored events, most valuable first", async () => {
    const { client, transport, clock, fb1, fb2, fb3, predA, predB } = await queued();
    // Everything not on disk, then room for exactly one stored feedback.
    const maxBytes = budgetFor(fb3, predA, predB, fb1);
    expect(client.sendNow({ maxBytes, maxEvents: 100 })).toBe(4);
    await clock.advance(0);
    expect(transport.events.map((e) => e.id)).toEqual([fb3.id, predA.id, predB.id, fb1.id]);
    expect(client.stats()).toMatchObject({ queued: 1, sent: 4 });
    await client.flush();
    expect(transport.events.map((e) => e.id)).toEqual([fb3.id, predA.id, predB.id, fb1.id, fb2.id]);
  });

  it("counts maxEvents across both passes", async () => {
    const { client, transport, clock, fb3, predA } = await queued();
    expect(client.sendNow({ maxBytes: 60 * 1024, maxEvents: 2 })).toBe(2);
    await clock.advance(0);
    expect(transport.events.map((e) => e.id)).toEqual([fb3.id, predA.id]);
    expect(client.stats()).toMatchObject({ queued: 3, sent: 2 });
  });

  it("is not asked by ordinary batches, which stay oldest first", async () => {
    const { client, transport, asked, fb1, fb2, fb3, predA, predB } = await queued();
    await client.flush();
    expect(asked).toEqual([]);
    expect(transport.events.map((e) => e.id)).toEqual([fb1.id, fb2.id, fb3.id, predA.id, predB.id]);
  });
});
