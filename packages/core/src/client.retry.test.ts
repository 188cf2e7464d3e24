import { describe, expect, it } from "vitest";
import { predictionInput, setup } from "./test-helpers.js";
import { FakeClock } from "./testing/fake-clock.js";
import { type Fault, FaultTransport } from "./testing/fault-transport.js";

function faulty(script: Fault[], overrides = {}) {
  const clock = new FakeClock();
  const transport = new FaultTransport(script, () => clock.now());
  return { ...setup({ transport, clock, ...overrides }), transport };
}

describe("retries", () => {
  it.each([408, 429, 502, 503, 504])("retries HTTP %i with the same ids and idempotency key", async (status) => {
    const { client, transport, clock } = faulty([{ type: "status", status }]);
    client.logPrediction(predictionInput(1));
    client.logPrediction(predictionInput(2));
    const flushed = client.flush({ timeoutMs: 60_000 });
    await clock.advance(1_000);
    expect(await flushed).toEqual({ ok: true, sent: 2, dropped: 0, pending: 0 });
    expect(transport.attempts).toHaveLength(2);
    const [first, second] = transport.attempts;
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(second?.events.map((e) => e.id)).toEqual(first?.events.map((e) => e.id));
    expect(client.stats()).toMatchObject({ sent: 2, retried: 1 });
  });

  it("backs off with full jitter: 250, 500, 1000 ms at random()=0.5 and minBackoffMs 500", async () => {
    const { client, transport, clock } = faulty([
      { type: "status", status: 503 },
      { type: "network-error" },
      { type: "status", status: 502 },
    ]);
    client.logPrediction(predictionInput());
    const start = clock.now();
    const flushed = client.flush({ timeoutMs: 60_000 });
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      await clock.advance(0);
      times.push(clock.now() - start);
      const next = [250, 500, 1000][i];
      if (next !== undefined) await clock.advance(next);
    }
    expect(await flushed).toEqual({ ok: true, sent: 1, dropped: 0, pending: 0 });
    expect(transport.attempts).toHaveLength(4);
    expect(new Set(transport.attempts.map((a) => a.idempotencyKey)).size).toBe(1);
    expect(new Set(transport.attempts.map((a) => a.body)).size).toBe(1);
    expect(transport.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(times).toEqual([0, 250, 750, 1750]);
    expect(client.stats()).toMatchObject({ sent: 1, retried: 3 });
  });

  it("honours Retry-After in seconds and as an HTTP date, capped by maxRetryAfterMs", async () => {
    const clock = new FakeClock();
    const date = new Date(clock.now() + 7_000).toUTCString();
    const transport = new FaultTransport(
      [
        { type: "status", status: 429, retryAfter: "3" },
        { type: "status", status: 503, retryAfter: date },
        { type: "status", status: 429, retryAfter: "3600" },
      ],
      () => clock.now(),
    );
    const { client } = setup({ transport, clock, maxRetryAfterMs: 20_000 });
    client.logOutcome({ predictionId: "p1", label: "x" });
    const start = clock.now();
    const flushed = client.flush({ timeoutMs: 120_000 });
    const seen: number[] = [];
    let last = 0;
    while (transport.attempts.length < 4) {
      await clock.advance(100);
      if (transport.attempts.length > last) {
        last = transport.attempts.length;
        seen.push(clock.now() - start);
      }
    }
    // polled every 100 ms, so the first attempt (at 0) is seen at 100; then 3 s, the date 7 s after start, and 3600 s capped to 20 s
    expect(seen).toEqual([100, 3000, 7000, 27000]);
    expect((await flushed).ok).toBe(true);
  });

  it("gives up after maxAttempts and counts retries_exhausted", async () => {
    const { client, transport, clock, errors } = faulty(Array(5).fill({ type: "status", status: 503 }), {
      maxAttempts: 3,
    });
    client.logPrediction(predictionInput());
    const flushed = client.flush({ timeoutMs: 60_000 });
    await clock.advance(10_000);
    expect(await flushed).toMatchObject({ ok: true, sent: 0, dropped: 1 });
    expect(transport.attempts).toHaveLength(3);
    expect(client.stats().dropped.retries_exhausted).toBe(1);
    expect(errors[0]?.message).toMatch(/Gave up on a batch of 1 events after 3 attempts; last error: HTTP 503/);
  });

  it("gives up when the next wait would pass maxRetryDurationMs", async () => {
    const { client, transport, clock } = faulty(Array(50).fill({ type: "network-error" }), {
      maxRetryDurationMs: 2_000,
    });
    client.logPrediction(predictionInput());
    const flushed = client.flush({ timeoutMs: 60_000 });
    await clock.advance(10_000);
    await flushed;
    // waits 250, 500, 1000 fit (1750 ms); the next (2000) would end at 3750 > 2000
    expect(transport.attempts).toHaveLength(4);
    expect(client.stats().dropped.retries_exhausted).toBe(1);
  });

  it.each([400, 401, 403, 404, 422, 500, 501])(
    "drops the batch on HTTP %i as rejected, without retrying",
    async (status) => {
      const { client, transport, errors } = faulty([{ type: "status", status, body: "nope" }]);
      client.logPrediction(predictionInput());
      const r = await client.flush();
      expect(r).toMatchObject({ ok: true, sent: 0, dropped: 1 });
      expect(transport.attempts).toHaveLength(1);
      expect(client.stats().dropped.rejected).toBe(1);
      expect(errors[0]?.message).toBe(`Collector refused the batch with HTTP ${status}: nope`);
      expect((errors[0] as { status?: number }).status).toBe(status);
    },
  );

  it("treats a transport that throws like a network error", async () => {
    const { client, transport, clock } = faulty([{ type: "throw" }]);
    client.logPrediction(predictionInput());
    const flushed = client.flush();
    await clock.advance(1_000);
    expect((await flushed).sent).toBe(1);
    expect(transport.attempts.map((a) => a.result === "threw" || a.result)).toEqual([true, { kind: "ok" }]);
  });

  it("an explicit flush cuts our own backoff short, but never a server's Retry-After", async () => {
    const ours = faulty([{ type: "status", status: 503 }], { minBackoffMs: 10_000, maxBackoffMs: 60_000 });
    const theirs = faulty([{ type: "status", status: 503, retryAfter: "10" }], { minBackoffMs: 10_000 });
    for (const s of [ours, theirs]) {
      s.client.logOutcome({ predictionId: "p1", label: "x" });
      void s.client.flush({ timeoutMs: 0 });
      await s.clock.advance(100);
      expect(s.transport.attempts).toHaveLength(1); // waiting: 5 s of backoff, or the server's 10 s
      void s.client.flush({ timeoutMs: 0 });
      await s.clock.advance(0);
    }
    expect(ours.transport.attempts).toHaveLength(2);
    expect(ours.client.stats().sent).toBe(1);
    expect(theirs.transport.attempts).toHaveLength(1);
    await theirs.clock.advance(9_900);
    expect(theirs.transport.attempts).toHaveLength(2);
  });
});
