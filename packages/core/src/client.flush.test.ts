import { describe, expect, it } from "vitest";
import { setup } from "./test-helpers.js";
import { FakeClock } from "./testing/fake-clock.js";
import { FaultTransport } from "./testing/fault-transport.js";

describe("flush", () => {
  it("drains everything logged before the call, once, even with overlapping flushes", async () => {
    const { client, transport } = setup({ flushAt: 10 });
    for (let i = 0; i < 25; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    const [a, b] = await Promise.all([client.flush(), client.flush()]);
    expect(a.ok && b.ok).toBe(true);
    const ids = transport.events.map((e) => e.id);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
  });

  it("resolves with ok: false and the pending count at its timeout, never hangs", async () => {
    const clock = new FakeClock();
    const transport = new FaultTransport([{ type: "hang" }], () => clock.now());
    const { client } = setup({ transport, clock });
    client.logOutcome({ predictionId: "p1", label: "x" });
    const flushed = client.flush({ timeoutMs: 1_000 });
    await clock.advance(1_000);
    expect(await flushed).toEqual({ ok: false, sent: 0, dropped: 0, pending: 1 });
  });

  it("resolves at once when nothing is queued", async () => {
    const { client } = setup();
    expect(await client.flush()).toEqual({ ok: true, sent: 0, dropped: 0, pending: 0 });
  });
});
