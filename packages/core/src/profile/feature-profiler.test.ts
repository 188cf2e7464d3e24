import { describe, expect, it } from "vitest";
import { createClient } from "../client.js";
import { isConfigError } from "../errors.js";
import type { Clock } from "../runtime.js";
import { FakeClock, MemoryTransport } from "../testing/index.js";
import { createFeatureProfiler } from "./index.js";

const MODEL = { name: "ticket-router", version: "v3" };
const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
/** DDSketch bin of |v| for relative accuracy a, written out independently of the library. */
const bin = (v: number, a = 0.01) => String(Math.ceil(Math.log(Math.abs(v)) / Math.log((1 + a) / (1 - a))));

function setup(clock: Clock = new FakeClock(T0)) {
  const transport = new MemoryTransport();
  const client = createClient({ transport, source: "test-app", model: MODEL, clock, flushAt: 1000 });
  return { client, transport, clock };
}

describe("feature profiler", () => {
  it("ships one profile per window at the window's end with exact counts, bins and top values", async () => {
    const clock = new FakeClock(T0);
    const { client, transport } = setup(clock);
    const p = createFeatureProfiler(client, { windowMs: 60_000, clock });
    await clock.advance(10_000);
    p.observe({ age: 10, plan: "pro" });
    p.observe({ age: 20, plan: "free" });
    p.observe({ age: null, plan: "pro" });
    await clock.advance(49_999);
    await client.flush();
    expect(transport.eventsOfType("ml.feature_profile")).toEqual([]);
    await clock.advance(1);
    await client.flush();
    const [e, ...rest] = transport.eventsOfType("ml.feature_profile");
    expect(rest).toEqual([]);
    expect(bin(10)).toBe("116");
    expect(bin(20)).toBe("150");
    expect(e?.data).toEqual({
      model: MODEL,
      windowStart: iso(T0 + 10_000),
      windowEnd: iso(T0 + 60_000),
      columns: {
        age: {
          kind: "numeric",
          count: 3,
          nulls: 1,
          min: 10,
          max: 20,
          sum: 30,
          sketch: { relativeAccuracy: 0.01, positive: { "116": 1, "150": 1 }, negative: {}, zeroCount: 0 },
        },
        plan: {
          kind: "categorical",
          count: 3,
          nulls: 0,
          distinctEstimate: 2,
          topValues: [
            { value: "pro", count: 2 },
            { value: "free", count: 1 },
          ],
        },
      },
    });
    expect(p.stats()).toEqual({ observed: 3, profilesLogged: 1, mismatched: 0, droppedValues: 0 });
  });

  it("puts a value observed after the boundary in the next window, aligned to multiples of windowMs", async () => {
    const clock = new FakeClock(T0);
    const { client, transport } = setup(clock);
    const p = createFeatureProfiler(client, { windowMs: 60_000, clock });
    await clock.advance(59_999);
    p.observe({ x: 1 });
    await clock.advance(2);
    p.observe({ x: -2 });
    p.observe({ x: 0 });
    await clock.advance(60_000);
    await client.flush();
    const got = transport
      .eventsOfType("ml.feature_profile")
      .map((e) => [e.data.windowStart, e.data.windowEnd, e.data.columns.x]);
    expect(got).toEqual([
      [iso(T0 + 59_999), iso(T0 + 60_000), expect.objectContaining({ count: 1, sum: 1 })],
      [
        iso(T0 + 60_001),
        iso(T0 + 120_000),
        expect.objectContaining({
          count: 2,
          min: -2,
          max: 0,
          sketch: { relativeAccuracy: 0.01, positive: {}, negative: { [bin(2)]: 1 }, zeroCount: 1 },
        }),
      ],
    ]);
  });

  it("closes a window whose timer has not fired yet before adding a later value", async () => {
    let t = T0;
    const stalled: Clock = { now: () => t, setTimeout: () => 1, clearTimeout: () => {} };
    const { client, transport } = setup(stalled);
    const p = createFeatureProfiler(client, { windowMs: 1_000, clock: stalled });
    p.observe({ x: 1 });
    t += 1_500;
    p.observe({ x: 2 });
    p.flush();
    await client.flush();
    const got = transport.eventsOfType("ml.feature_profile").map((e) => [e.data.windowEnd, e.data.columns.x?.sum]);
    expect(got).toEqual([
      [iso(T0 + 1_000), 1],
      [iso(T0 + 1_500), 2],
    ]);
  });

  it("keeps values of sensitive columns in the process: counts and a distinct estimate only", async () => {
    const { client, transport } = setup();
    const p = createFeatureProfiler(client, { windowMs: 60_000, sensitive: ["email"] });
    for (const email of ["a@x.io", "b@x.io", "a@x.io", "c@x.io"]) p.observe({ email });
    expect(p.flush()).toBe(1);
    await client.flush();
    const [e] = transport.eventsOfType("ml.feature_profile");
    expect(e?.data.columns.email).toEqual({ kind: "categorical", count: 4, nulls: 0, distinctEstimate: 3 });
    expect(transport.body()).not.toContain("x.io");
  });

  it("counts values of the other kind as nulls, caps top values and estimates distinct values past the cap", async () => {
    const { client, transport } = setup();
    const p = createFeatureProfiler(client, { windowMs: 60_000, maxTopValues: 2, maxTrackedValues: 100 });
    p.observe({ n: 1, c: "a" });
    p.observe({ n: "oops", c: 7 });
    for (let i = 0; i < 1000; i++) p.observe({ c: `v${i % 500}` });
    p.flush();
    await client.flush();
    const cols = transport.eventsOfType("ml.feature_profile")[0]?.data.columns;
    expect(cols?.n).toMatchObject({ kind: "numeric", count: 2, nulls: 1, sum: 1 });
    expect(cols?.c?.count).toBe(1002);
    expect(cols?.c?.topValues).toEqual([
      { value: "v0", count: 2 },
      { value: "v1", count: 2 },
    ]);
    // HyperLogLog with 1024 registers: 502 distinct values within 5%.
    expect(Math.abs((cols?.c?.distinctEstimate ?? 0) - 502)).toBeLessThanOrEqual(25);
    expect(p.stats().mismatched).toBe(1);
  });

  it("answers quantiles within the relative accuracy from the shipped bins", async () => {
    const { client, transport } = setup();
    const p = createFeatureProfiler(client, { windowMs: 60_000 });
    const values = Array.from({ length: 10_000 }, (_, i) => 1 + ((i * 7919) % 10_000) / 10);
    for (const v of values) p.observe({ v });
    p.flush();
    await client.flush();
    const sk = transport.eventsOfType("ml.feature_profile")[0]?.data.columns.v?.sketch;
    const bins = Object.entries(sk?.positive ?? {})
      .map(([k, c]) => [Number(k), c] as const)
      .sort((a, b) => a[0] - b[0]);
    expect(bins.reduce((a, [, c]) => a + c, 0)).toBe(10_000);
    const gamma = 1.01 / 0.99;
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.1, 0.5, 0.9, 0.99]) {
      const rank = Math.floor(q * 10_000);
      let seen = 0;
      let key = Number.NaN;
      for (const [k, c] of bins) {
        seen += c;
        if (seen > rank) {
          key = k;
          break;
        }
      }
      const estimate = (2 * gamma ** key) / (1 + gamma);
      expect(Math.abs(estimate - (sorted[rank] as number)) / (sorted[rank] as number)).toBeLessThanOrEqual(0.01);
    }
  });

  it("rejects bad options with the field named and never throws from observe", () => {
    const { client } = setup();
    const bad = (o: object) => {
      try {
        createFeatureProfiler(client, o as never);
      } catch (e) {
        return isConfigError(e) ? e.message : "not a ConfigError";
      }
      return "no error";
    };
    expect(bad({ windowMs: 0 })).toBe("Expected `windowMs` to be an integer from 1000 to 2678400000, got `0`");
    expect(bad({ windowMs: 60_000, relativeAccuracy: 1 })).toBe(
      "Expected `relativeAccuracy` to be a number between 0 and 1 (exclusive), got `1`",
    );
    expect(bad({ windowMs: 60_000, sensitive: "email" })).toBe(
      'Expected `sensitive` to be an array of feature names, got `"email"`',
    );
    expect(bad({ windowMs: 60_000, onError: Object.create(null) })).toBe(
      "Expected `onError` to be a function, got `{}`",
    );
    expect(bad({ windowMs: "60000" })).toBe(
      'Expected `windowMs` to be an integer from 1000 to 2678400000, got `"60000"`',
    );
    const errors: unknown[] = [];
    const p = createFeatureProfiler(client, { windowMs: 60_000, onError: (e) => errors.push(e) });
    const hostile = Object.defineProperty({}, "x", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    });
    expect(() => p.observe(hostile)).not.toThrow();
    expect(() => p.observe(null as never)).not.toThrow();
    expect(errors.map((e) => (e as Error).message)).toEqual(["getter"]);
  });
});
