import { describe, expect, it } from "vitest";
import { setup } from "./test-helpers.js";
import { FakeClock } from "./testing/fake-clock.js";
import { FaultTransport } from "./testing/fault-transport.js";

function faulty(script: ConstructorParameters<typeof FaultTransport>[0], overrides = {}) {
  const clock = new FakeClock();
  const transport = new FaultTransport(script, () => clock.now());
  return { ...setup({ transport, clock, ...overrides }), transport };
}

describe("413 and partial rejections", () => {
  it("splits a batch on 413 and sends every event exactly once", async () => {
    const { client, transport } = faulty([{ type: "too-large" }, { type: "too-large" }], { flushAt: 8 });
    for (let i = 0; i < 8; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    const r = await client.flush();
    expect(r).toMatchObject({ ok: true, sent: 8, dropped: 0 });
    expect(transport.attempts.map((a) => [a.events.length, typeof a.result === "object" && a.result.kind])).toEqual([
      [8, "too-large"],
      [4, "too-large"],
      [2, "ok"],
      [2, "ok"],
      [2, "ok"], // the size stays reduced until RECOVER_AFTER successes
      [2, "ok"],
    ]);
    const delivered = transport.delivered.map((e) => e.data);
    expect(delivered.map((d) => (d as { predictionId: string }).predictionId).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `p${i}`).sort(),
    );
  });

  it("drops a single event the collector calls too large, as too_large", async () => {
    const { client } = faulty([{ type: "too-large" }]);
    client.logOutcome({ predictionId: "p1", label: "x" });
    await client.flush();
    expect(client.stats().dropped.too_large).toBe(1);
  });

  it("recovers the batch size after successes at the reduced size", async () => {
    const { client, transport } = faulty([{ type: "too-large" }], { flushAt: 4 });
    for (let i = 0; i < 40; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    await client.flush();
    const sizes = transport.attempts.map((a) => a.events.length);
    // one 413 at 4, eight successes at 2 (RECOVER_AFTER), then back to 4 for the remaining 24
    expect(sizes).toEqual([4, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4]);
    expect(client.stats().sent).toBe(40);
  });

  it("counts events the collector rejected and never resends the rest", async () => {
    const { client, transport, errors } = faulty([{ type: "reject", indexes: [1, 3], reason: "bad label" }]);
    for (let i = 0; i < 4; i++) client.logOutcome({ predictionId: `p${i}`, label: "x" });
    const r = await client.flush();
    expect(r).toMatchObject({ ok: true, sent: 2, dropped: 2 });
    expect(transport.attempts).toHaveLength(1);
    expect(client.stats().dropped.rejected).toBe(2);
    const refusedId = transport.attempts[0]?.events[1]?.id;
    expect(refusedId).toMatch(/^[0-9a-f-]{36}$/);
    expect(errors[0]?.message).toBe(
      `Collector rejected 2 of 4 events (not resent); first: event ${refusedId}: bad label`,
    );
  });
});
