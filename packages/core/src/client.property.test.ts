import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { eventSchema } from "./schema/events.js";
import { setup } from "./test-helpers.js";

const hostileKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "", "a".repeat(200));
const anything = fc.anything({
  maxDepth: 3,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withMap: true,
  withSet: true,
  key: fc.oneof(fc.string(), hostileKey),
});
const featureish = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 20 }), hostileKey),
  fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null), anything),
  { maxKeys: 12 },
);
const predictionish = fc.record(
  {
    predictionId: fc.oneof(fc.string(), anything),
    output: fc.oneof(
      fc.record({ label: fc.oneof(fc.string(), fc.double()), score: fc.double() }, { requiredKeys: [] }),
      anything,
    ),
    features: fc.oneof(featureish, anything),
    tags: fc.oneof(fc.dictionary(fc.string(), fc.string()), anything),
    time: fc.oneof(fc.date(), fc.integer(), fc.string(), anything),
  },
  { requiredKeys: [] },
);
const linkedish = fc.record(
  {
    predictionId: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), anything),
    action: fc.oneof(fc.constantFrom("accepted", "ignored", "loved"), anything),
    label: fc.oneof(fc.string(), fc.double(), anything),
    shown: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), anything),
    surface: fc.oneof(fc.string(), anything),
    metrics: fc.oneof(fc.dictionary(fc.oneof(fc.string(), hostileKey), fc.double()), anything),
    features: featureish,
  },
  { requiredKeys: [] },
);

describe("hostile input to every log call", () => {
  it("never throws, never puts an invalid event on the wire, never pollutes prototypes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(5), fc.oneof(predictionish, linkedish, anything)), { maxLength: 20 }),
        async (calls) => {
          const { client, transport } = setup();
          for (const [which, input] of calls) {
            const call = [
              () => client.logPrediction(input as never),
              () => client.logExposure(input as never),
              () => client.logFeedback(input as never),
              () => client.logOutcome(input as never),
              () => client.logFeatures(input as never),
              () => client.logFeatureProfile(input as never),
            ][which] as () => unknown;
            expect(call).not.toThrow();
          }
          const r = await client.flush();
          expect(r.ok).toBe(true);
          for (const e of transport.events) expect(z.safeParse(eventSchema, e).success).toBe(true);
          expect(transport.body()).not.toMatch(/"(__proto__|constructor|prototype)"\s*:/);
          const s = client.stats();
          expect(s.sent + s.dropped.total - s.dropped.sampled_out).toBe(s.logged);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });
});
