/**
 * Property-based input to every public call of `@inferlog/node`, end to end: whatever the app passes,
 * no call throws, the accounting adds up, and the collector accepts every event the SDK let through
 * (the SDK's compiled validator and the collector's agree: nothing is stored half, nothing rejected late).
 * Core's own property test (packages/core/src/client.property.test.ts) covers the runtime-free client.
 */
import { ConfigError } from "@inferlog/core";
import { createClient } from "@inferlog/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSdk } from "./test/node-sdk.js";
import { type Stack, startStack } from "./test/stack.js";

const RUNS = Number(process.env.INFERLOG_FUZZ_RUNS ?? "60");
let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.stop());

const hostileKey = fc.constantFrom("__proto__", "constructor", "prototype", "", "a".repeat(300), "k\u0000", "\ud800");
const scalar = fc.oneof(
  fc.double(),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 60, "x".repeat(5_000)),
);
const anything = fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withNullPrototype: true, withMap: true });
const dict = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), hostileKey), fc.oneof(scalar, anything), {
  maxKeys: 8,
});
const input = fc.record(
  {
    predictionId: fc.oneof(fc.string({ maxLength: 40 }), fc.uuid(), anything),
    output: fc.oneof(fc.record({ label: scalar, score: scalar }, { requiredKeys: [] }), anything),
    features: fc.oneof(dict, anything),
    tags: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), dict),
    shown: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), anything),
    surface: scalar,
    action: fc.oneof(fc.constantFrom("accepted", "ignored", "rated", "loved"), anything),
    label: scalar,
    value: scalar,
    metrics: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.double()), dict),
    time: fc.oneof(fc.date(), fc.integer(), fc.string(), anything),
    model: fc.oneof(fc.record({ name: scalar, version: scalar }), anything),
  },
  { requiredKeys: [] },
);
const CALLS = [
  "logPrediction",
  "logExposure",
  "logFeedback",
  "logOutcome",
  "logFeatures",
  "logFeatureProfile",
] as const;

describe("fuzzing the Node SDK's public calls", () => {
  it(`log calls never throw; everything let through is stored once, nothing rejected by the collector (${RUNS} runs)`, async () => {
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...CALLS), fc.oneof(input, anything)), { maxLength: 25 }),
        async (calls) => {
          const sdk = startSdk(s.endpoint);
          // One sane event per run among the hostile ones, so every run also proves valid events get through.
          sdk.client.logPrediction({ output: { label: "sane" }, features: { n: calls.length } });
          for (const [call, arg] of calls) {
            expect(() => (sdk.client[call] as (x: unknown) => unknown)(arg)).not.toThrow();
          }
          const r = await sdk.client.flush({ timeoutMs: 10_000 });
          const st = sdk.client.stats();
          await sdk.client.shutdown({ timeoutMs: 1_000 });
          expect(r).toMatchObject({ ok: true, pending: 0 });
          // Only validation may drop: never `rejected` (the collector refusing what the SDK accepted).
          expect(st.dropped.total).toBe(st.dropped.invalid);
          expect(st.logged).toBe(st.sent + st.dropped.total);
          expect(sdk.errors.every((e) => e.code === "invalid" && /`[^`]*`/.test(e.message))).toBe(true);
          const ids = await s.idCounts();
          for (const id of sdk.ids) expect(ids.get(id)).toBe(1);
          stored += sdk.ids.size;
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: RUNS },
    );
    expect(stored).toBeGreaterThan(0);
    expect((await s.idCounts()).size).toBe(stored);
  });

  it("createClient with hostile options either works or throws a ConfigError that names the option", () => {
    // Mostly sane values with hostile ones mixed in, so both outcomes are common.
    const or = <T>(good: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: anything, weight: 1 });
    const opt = fc.record(
      {
        endpoint: or(fc.constant("http://127.0.0.1:9/v1/events")),
        source: or(fc.string({ minLength: 1, maxLength: 10 })),
        flushAt: or(fc.integer({ min: 1, max: 1_000 })),
        maxQueueSize: or(fc.integer({ min: 1_000, max: 100_000 })),
        sampleRate: or(fc.double({ min: 0.01, max: 1, noNaN: true })),
        maxConcurrency: or(fc.integer({ min: 1, max: 64 })),
        compression: or(fc.oneof(fc.boolean(), fc.constantFrom("br", "gzip"))),
        apiKey: or(fc.string({ minLength: 1, maxLength: 40 })),
      },
      { requiredKeys: ["endpoint", "source"] },
    );
    let built = 0;
    let refused = 0;
    fc.assert(
      fc.property(opt, (o) => {
        try {
          const c = createClient({ flushOnExit: false, logger: { warn: () => {} }, ...(o as object) } as never);
          built++;
          void c.shutdown({ timeoutMs: 10 });
        } catch (e) {
          refused++;
          expect(e).toBeInstanceOf(ConfigError);
          expect((e as Error).message).toMatch(/`[^`]+`/);
        }
      }),
      { numRuns: 300 },
    );
    expect(built).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
