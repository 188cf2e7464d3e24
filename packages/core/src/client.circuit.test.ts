import { describe, expect, it } from "vitest";
import { setup } from "./test-helpers.js";
import { FakeClock } from "./testing/fake-clock.js";
import { FaultTransport } from "./testing/fault-transport.js";

describe("circuit breaker", () => {
  it("stops calling an endpoint that keeps failing, then probes after the cooldown", async () => {
    const clock = new FakeClock();
    const transport = new FaultTransport(Array(100).fill({ type: "network-error" }), () => clock.now());
    const { client } = setup({
      transport,
      clock,
      maxAttempts: 1000,
      maxRetryDurationMs: 3_600_000,
      maxBackoffMs: 1_000,
      circuitBreaker: { failureThreshold: 3, cooldownMs: 10_000, maxCooldownMs: 40_000 },
    });
    client.logOutcome({ predictionId: "p1", label: "x" });
    void client.flush({ timeoutMs: 3_600_000 });
    await clock.advance(5_000);
    expect(transport.attempts).toHaveLength(3);
    expect(client.stats().circuit).toBe("open");
    // cooldowns double: 10 s, 20 s, 40 s, then stay at 40 s
    const times: number[] = [];
    const start = clock.now();
    for (let t = 0; t < 120_000; t += 1_000) {
      const before = transport.attempts.length;
      await clock.advance(1_000);
      if (transport.attempts.length > before) times.push(Math.round((clock.now() - start) / 1_000));
    }
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.length).toBeLessThanOrEqual(5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps).toEqual(gaps.map((_, i) => Math.min(20 * 2 ** i, 40)));
  });

  it("closes again after a success", async () => {
    const clock = new FakeClock();
    const transport = new FaultTransport(Array(3).fill({ type: "status", status: 503 }), () => clock.now());
    const { client } = setup({ transport, clock, circuitBreaker: { failureThreshold: 3, cooldownMs: 10_000 } });
    client.logOutcome({ predictionId: "p1", label: "x" });
    const flushed = client.flush({ timeoutMs: 60_000 });
    await clock.advance(15_000);
    expect((await flushed).sent).toBe(1);
    expect(client.stats().circuit).toBe("closed");
  });

  it("never opens for a collector that answers, even with 503: its status and Retry-After govern", async () => {
    const clock = new FakeClock();
    const transport = new FaultTransport(Array(12).fill({ type: "status", status: 503 }), () => clock.now());
    const { client } = setup({
      transport,
      clock,
      maxAttempts: 20,
      maxBackoffMs: 1_000,
      circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 },
    });
    client.logOutcome({ predictionId: "p1", label: "x" });
    const flushed = client.flush({ timeoutMs: 60_000 });
    await clock.advance(20_000);
    expect(await flushed).toMatchObject({ ok: true, sent: 1 });
    expect(transport.attempts).toHaveLength(13);
    expect(client.stats().circuit).toBe("closed");
  });

  it("a flush probes an open circuit at once instead of waiting out the cooldown", async () => {
    const clock = new FakeClock();
    const transport = new FaultTransport(Array(3).fill({ type: "network-error" }), () => clock.now());
    const { client } = setup({
      transport,
      clock,
      maxBackoffMs: 1_000,
      circuitBreaker: { failureThreshold: 3, cooldownMs: 600_000 },
    });
    client.logOutcome({ predictionId: "p1", label: "x" });
    void client.flush({ timeoutMs: 0 });
    await clock.advance(5_000);
    expect(transport.attempts).toHaveLength(3);
    expect(client.stats().circuit).toBe("open");
    const flushed = client.flush({ timeoutMs: 1_000 });
    await clock.advance(0);
    expect(await flushed).toMatchObject({ ok: true, sent: 1 });
    expect(transport.attempts).toHaveLength(4);
    expect(client.stats().circuit).toBe("closed");
  });
});
