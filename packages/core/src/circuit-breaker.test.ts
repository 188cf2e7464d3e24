import { describe, expect, it } from "vitest";
import { createCircuitBreaker, type Permit } from "./circuit-breaker.js";
import { FakeClock } from "./testing/fake-clock.js";

const OPTIONS = { failureThreshold: 3, cooldownMs: 1_000, maxCooldownMs: 4_000 };

function breakerOn(clock: FakeClock) {
  return createCircuitBreaker(OPTIONS, () => clock.now());
}

describe("circuit breaker", () => {
  it("opens after failureThreshold attempts without an answer, and gives no leave until the cooldown ends", async () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    for (let i = 0; i < 3; i++) breaker._end(breaker._begin() as Permit, false);
    expect(breaker.state()).toBe("open");
    expect(breaker._begin()).toBeUndefined();
    expect(breaker._waitMs()).toBe(1_000);
    await clock.advance(999);
    expect(breaker._begin()).toBeUndefined();
    await clock.advance(1);
    expect(breaker.state()).toBe("half-open");
  });

  it("gives exactly one probe at a time in half-open; the others wait for its result", async () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    for (let i = 0; i < 3; i++) breaker._end(breaker._begin() as Permit, false);
    await clock.advance(1_000);
    const probe = breaker._begin();
    expect(probe).toMatchObject({ _probe: true });
    expect(breaker._begin()).toBeUndefined();
    expect(breaker._begin()).toBeUndefined();
    expect(breaker._waitMs()).toBe(OPTIONS.maxCooldownMs);
    let woken = 0;
    breaker._onWake(() => woken++);
    breaker._end(probe as Permit, true);
    expect(woken).toBe(1);
    expect(breaker.state()).toBe("closed");
    expect(breaker._begin()).toMatchObject({ _probe: false });
    expect(breaker._begin()).toMatchObject({ _probe: false });
  });

  it("doubles the cooldown per failed probe up to the max, and resets it on an answer", async () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    for (let i = 0; i < 3; i++) breaker._end(breaker._begin() as Permit, false);
    const cooldowns: number[] = [breaker._waitMs()];
    for (let i = 0; i < 4; i++) {
      await clock.advance(breaker._waitMs());
      breaker._end(breaker._begin() as Permit, false);
      cooldowns.push(breaker._waitMs());
    }
    expect(cooldowns).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
    await clock.advance(4_000);
    breaker._end(breaker._begin() as Permit, true);
    for (let i = 0; i < 3; i++) breaker._end(breaker._begin() as Permit, false);
    expect(breaker._waitMs()).toBe(1_000);
  });

  it("does not count failures of attempts that were out when the circuit opened", async () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    // Eight attempts out at once (maxConcurrency), all failing.
    const out = Array.from({ length: 8 }, () => breaker._begin() as Permit);
    for (const permit of out.slice(0, 3)) breaker._end(permit, false);
    expect(breaker._waitMs()).toBe(1_000);
    await clock.advance(1_000);
    const probe = breaker._begin() as Permit;
    // The five stragglers fail during the _probe: no probe of theirs, no longer cooldown, no new open period.
    for (const permit of out.slice(3)) breaker._end(permit, false);
    expect(breaker.state()).toBe("half-open");
    expect(breaker._begin()).toBeUndefined();
    breaker._end(probe, false);
    expect(breaker._waitMs()).toBe(2_000);
  });

  it("a straggler's answer closes the circuit: the collector is back", async () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    const out = Array.from({ length: 4 }, () => breaker._begin() as Permit);
    for (const permit of out.slice(0, 3)) breaker._end(permit, false);
    expect(breaker.state()).toBe("open");
    breaker._end(out[3] as Permit, true);
    expect(breaker.state()).toBe("closed");
  });

  it("an aborted probe frees the half-open circuit for the next one", async () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    for (let i = 0; i < 3; i++) breaker._end(breaker._begin() as Permit, false);
    await clock.advance(1_000);
    breaker._end(breaker._begin() as Permit, undefined);
    expect(breaker.state()).toBe("half-open");
    expect(breaker._begin()).toMatchObject({ _probe: true });
  });

  it("a nudge ends the cooldown at once and wakes waiters", () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    for (let i = 0; i < 3; i++) breaker._end(breaker._begin() as Permit, false);
    let woken = 0;
    breaker._onWake(() => woken++);
    breaker._nudge();
    expect(woken).toBe(1);
    expect(breaker._begin()).toMatchObject({ _probe: true });
  });

  it("a probe a flush sent early re-opens for the same cooldown: a flush mid-outage does not delay recovery", async () => {
    const clock = new FakeClock();
    const breaker = breakerOn(clock);
    for (let i = 0; i < 3; i++) breaker._end(breaker._begin() as Permit, false);
    await clock.advance(200);
    breaker._nudge();
    breaker._end(breaker._begin() as Permit, false);
    expect(breaker._waitMs()).toBe(1_000);
    await clock.advance(1_000);
    breaker._end(breaker._begin() as Permit, false);
    expect(breaker._waitMs()).toBe(2_000);
  });
});
