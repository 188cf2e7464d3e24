import { describe, expect, it } from "vitest";
import type { QueuedEvent } from "./event-queue.js";
import { predictionInput, setup } from "./test-helpers.js";
import { settle } from "./testing/fake-clock.js";

describe("the divert hook (an adapter's overflow store)", () => {
  it("keeps a diverted event out of the queue without dropping it, and restore() brings it back undiverted", async () => {
    const diverted: QueuedEvent[] = [];
    const offered: string[] = [];
    const enqueued: string[] = [];
    const { client, transport } = setup({
      flushAt: 100,
      hooks: {
        divert: (e) => {
          offered.push(e.id);
          if (diverted.length >= 3) return false;
          diverted.push(e);
          return true;
        },
        onEnqueued: (events) => {
          for (const e of events) enqueued.push(e.id);
        },
      },
    });
    for (let i = 0; i < 5; i++) client.logPrediction(predictionInput(i));
    await settle();
    expect(diverted).toHaveLength(3);
    expect(enqueued).toHaveLength(2);
    expect(client.stats()).toMatchObject({ logged: 5, enqueued: 2, queued: 2, dropped: { total: 0 } });

    client.restore(diverted.map((e) => ({ id: e.id, type: e.type, json: e.json })));
    expect(offered).toHaveLength(5); // a restored event is never offered to the hook again
    expect(await client.flush()).toMatchObject({ ok: true, sent: 5 });
    const sent = transport.events.map((e) => (e as { id: string }).id);
    expect(sent.sort()).toEqual([...enqueued, ...diverted.map((e) => e.id)].sort());
  });
});
