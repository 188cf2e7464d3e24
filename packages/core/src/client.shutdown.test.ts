import { describe, expect, it } from "vitest";
import { setup } from "./test-helpers.js";
import { FakeClock } from "./testing/fake-clock.js";
import { FaultTransport } from "./testing/fault-transport.js";

describe("shutdown", () => {
  it("delivers what is queued and then refuses new events as after_shutdown", async () => {
    const { client, transport } = setup();
    client.logOutcome({ predictionId: "p1", label: "x" });
    expect(await client.shutdown()).toEqual({ ok: true, sent: 1, dropped: 0, pending: 0 });
    client.logOutcome({ predictionId: "p2", label: "x" });
    await client.flush();
    expect(transport.events).toHaveLength(1);
    expect(client.stats().dropped.after_shutdown).toBe(1);
  });

  it("has one absolute deadline: aborts the hanging request and counts what was not sent", async () => {
    const clock = new FakeClock();
    const transport = new FaultTransport([{ type: "hang" }], () => clock.now());
    const dropped: string[][] = [];
    const { client } = setup({
      transport,
      clock,
      flushAt: 2,
      onDrop: (d) => d.reason === "shutdown_timeout" && dropped.push([...d.ids]),
    });
    for (let i = 0; i < 5; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    const done = client.shutdown({ timeoutMs: 2_000 });
    await clock.advance(2_000);
    expect(await done).toEqual({ ok: false, sent: 0, dropped: 5, pending: 0 });
    expect(client.stats()).toMatchObject({ queued: 0, inFlight: 0 });
    expect(client.stats().dropped.shutdown_timeout).toBe(5);
    expect(dropped.flat()).toHaveLength(5);
    // the hung request was aborted, and nothing more went out after the deadline
    expect(transport.attempts).toHaveLength(1);
    await clock.advance(60_000);
    expect(transport.attempts).toHaveLength(1);
  });

  it("refuses restored events once shut down: they stay with the adapter, nothing is sent or counted", async () => {
    const { client, transport } = setup();
    await client.shutdown();
    client.restore([{ id: "stored-1", type: "ml.outcome", json: '{"id":"stored-1"}' }]);
    await client.flush();
    expect(transport.batches).toHaveLength(0);
    expect(client.stats()).toMatchObject({ enqueued: 0, queued: 0, inFlight: 0, sent: 0 });
  });

  it("returns the same promise when called twice", async () => {
    const { client } = setup();
    expect(client.shutdown()).toBe(client.shutdown());
  });
});
