import { describe, expect, it } from "vitest";
import { predictionInput, setup } from "./test-helpers.js";
import { FakeClock } from "./testing/fake-clock.js";
import type { Transport, TransportRequest, TransportResult } from "./transport.js";

/** A collector that drops every connection (no HTTP answer) until `upAt`, then takes everything; 20 ms per request. */
class OutageTransport implements Transport {
  readonly attempts: { at: number; events: number; ok: boolean }[] = [];
  constructor(
    private readonly clock: FakeClock,
    public upAt: number,
  ) {}
  async send(req: TransportRequest): Promise<TransportResult> {
    const at = this.clock.now();
    const ok = at >= this.upAt;
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 20));
    this.attempts.push({ at, events: req.eventCount, ok });
    return ok ? { kind: "ok" } : { kind: "retry", reason: "ECONNRESET" };
  }
}

const BREAKER = { failureThreshold: 8, cooldownMs: 5_000, maxCooldownMs: 30_000 };

describe("an outage with no HTTP answer (default options but the clock)", () => {
  it("sends one probe at a time while the circuit is not closed, and stragglers do not grow the cooldown", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const transport = new OutageTransport(clock, start + 60_000);
    const { client } = setup({ transport, clock, maxConcurrency: 4, flushAt: 10, circuitBreaker: BREAKER });
    for (let i = 0; i < 200; i++) client.logPrediction(predictionInput(i));
    await clock.advance(3_000);
    expect(client.stats().circuit).toBe("open");
    const opened = transport.attempts.length;
    // From here on, attempts come one at a time: the probes.
    await clock.advance(55_000);
    const probes = transport.attempts.slice(opened).map((a) => (a.at - start) / 1_000);
    const gaps = probes.slice(1).map((t, i) => Math.round(t - (probes[i] as number)));
    // 5 s, then doubling per failed probe to the 30 s max: no straggler counted as a probe.
    expect(gaps).toEqual([10, 20].slice(0, gaps.length));
    expect(probes.length).toBeGreaterThanOrEqual(2);
  });

  it("resumes delivery within the current cooldown + 1 s after the collector comes back, and loses nothing it held", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const transport = new OutageTransport(clock, start + 6_200);
    const sent: string[] = [];
    const { client } = setup({
      transport,
      clock,
      maxConcurrency: 4,
      circuitBreaker: BREAKER,
      hooks: { onSettled: (events, outcome) => outcome === "sent" && sent.push(...events.map((e) => e.id)) },
    });
    // 1,000 events/s for 10 s, in 100 ms steps.
    for (let t = 0; t < 10_000; t += 100) {
      for (let i = 0; i < 100; i++) client.logPrediction(predictionInput(i));
      await clock.advance(100);
    }
    const flushed = client.flush({ timeoutMs: 60_000 });
    await clock.advance(60_000);
    const r = await flushed;
    expect(r).toMatchObject({ ok: true, pending: 0 });
    const firstOk = transport.attempts.find((a) => a.ok) as { at: number };
    // The first probe after recovery went out within cooldown (5 s) + 1 s of the collector coming back.
    expect(firstOk.at - (start + 6_200)).toBeLessThanOrEqual(BREAKER.cooldownMs + 1_000);
    const s = client.stats();
    expect(s.logged).toBe(10_000);
    expect(s.logged).toBe(s.sent + s.dropped.total + s.queued + s.inFlight);
    expect(new Set(sent).size).toBe(s.sent);
    expect(s.sent).toBeGreaterThan(0);
  });

  it("sends the page-close request even while the circuit is open", async () => {
    const clock = new FakeClock();
    const transport = new OutageTransport(clock, clock.now() + 2_000);
    const { client } = setup({ transport, clock, flushAt: 1, circuitBreaker: { ...BREAKER, failureThreshold: 2 } });
    client.logPrediction(predictionInput(1));
    client.logPrediction(predictionInput(2));
    await clock.advance(2_500);
    expect(client.stats().circuit).toBe("open");
    const before = transport.attempts.length;
    client.logFeedback({ predictionId: "p1", action: "accepted" });
    expect(client.sendNow({ maxBytes: 60 * 1024 })).toBeGreaterThan(0);
    await clock.advance(30);
    expect(transport.attempts.length).toBe(before + 1);
    expect(transport.attempts.at(-1)).toMatchObject({ ok: true });
    // Its answer tells the breaker the collector is back.
    expect(client.stats().circuit).toBe("closed");
  });
});
