import { describe, expect, it } from "vitest";
import { compiledValidateEvent } from "./compiled.js";
import { liteValidateEvent } from "./lite-validate.js";
import { predictionInput, setup } from "./test-helpers.js";
import { uncheckedEvent } from "./unchecked.js";
import { validateEvent } from "./validate.js";

const WHEN = new Date("2026-12-01T10:00:00.000Z");

/** One of every value that cannot be sent as given, next to a good one. */
const messy = () => ({
  good: 1,
  signup: WHEN,
  score: Number.NaN,
  big: 12n,
  huge: 2n ** 70n,
  missing: undefined,
  address: { city: "Oslo" },
  callback: () => 1,
  numbers: [1, 2],
  long: "x".repeat(5000),
  "": 5,
});

describe("feature values that cannot be sent cost the value, not the event", () => {
  for (const [name, validator] of [
    ["zod (core default, with the fast prediction path)", validateEvent],
    ["compiled (Node default)", compiledValidateEvent],
    ["lite (browser development)", liteValidateEvent],
    ["unchecked (browser production)", uncheckedEvent],
  ] as const) {
    it(`keeps the prediction and fixes each value: ${name}`, async () => {
      const lines: string[] = [];
      const { client, transport, errors } = setup({ validator, logger: { warn: (m) => lines.push(m) } });
      client.logPrediction({ ...predictionInput(), features: messy() as never });
      client.logFeatures({ predictionId: "p1", features: { when: WHEN, nan: Number.POSITIVE_INFINITY } as never });
      const r = await client.flush();
      expect(r).toEqual({ ok: true, sent: 2, dropped: 0, pending: 0 });
      expect(errors).toEqual([]);
      const [prediction, features] = transport.events.map((e) => (e.data as { features: unknown }).features);
      expect(prediction).toEqual({
        good: 1,
        signup: "2026-12-01T10:00:00.000Z",
        score: null,
        big: 12,
        huge: "1180591620717411303424",
        long: "x".repeat(4096),
      });
      expect(features).toEqual({ when: "2026-12-01T10:00:00.000Z", nan: null });
      expect(client.stats().featureValues).toEqual({
        total: 12,
        date: 2,
        non_finite: 2,
        bigint: 2,
        long_string: 1,
        undefined: 1,
        object: 1,
        function: 1,
        array: 1,
        bad_key: 1,
        over_limit: 0,
      });
      // Once per kind: nine kinds met, nine lines, each naming the first feature of its kind.
      expect(lines).toHaveLength(9);
      expect(lines).toContain(
        "Feature `signup` is a Date: sent as its ISO string (send `date.toISOString()` yourself); the event is kept (stats().featureValues counts each)",
      );
      expect(lines).toContain(
        "Feature `address` is an object: left out (flatten it into features such as `address.city`); the event is kept (stats().featureValues counts each)",
      );
      expect(lines.some((l) => l.includes("got function a function"))).toBe(false);
    });
  }

  it("keeps the first 1000 features of an event and counts the rest", async () => {
    const { client, transport } = setup();
    const features = Object.fromEntries(Array.from({ length: 1003 }, (_, i) => [`f${i}`, i]));
    client.logPrediction({ ...predictionInput(), features });
    await client.flush();
    const sent = (transport.events[0]?.data as { features: Record<string, number> } | undefined)?.features ?? {};
    expect(Object.keys(sent)).toHaveLength(1000);
    expect(sent.f999).toBe(999);
    expect(sent.f1000).toBeUndefined();
    expect(client.stats().featureValues).toMatchObject({ over_limit: 3, total: 3 });
  });

  it("counts after the allow/deny filter, and never fixes a record with a prototype key", async () => {
    const filtered = setup({ features: { deny: ["secret"] } });
    filtered.client.logPrediction({ ...predictionInput(), features: { secret: WHEN, ok: 1 } as never });
    await filtered.client.flush();
    expect(filtered.transport.events).toHaveLength(1);
    expect(filtered.client.stats().featureValues.total).toBe(0);
    const { client, transport, errors } = setup();
    client.logPrediction({ ...predictionInput(), features: JSON.parse('{"__proto__": 1, "when": {}}') });
    await client.flush();
    expect(transport.events).toHaveLength(0);
    expect(client.stats().featureValues.total).toBe(0);
    expect(errors[0]?.message).toContain("reserved key");
  });

  it("throws on every one of them in strict mode, naming the field with a hint", () => {
    const { client } = setup({ strict: true });
    expect(() => client.logPrediction({ ...predictionInput(), features: { signup: WHEN } as never })).toThrow(
      "`data.features.signup` has an unsupported type: got a Date (send `date.toISOString()`)",
    );
    expect(() => client.logPrediction({ ...predictionInput(), features: { f: () => 1 } as never })).toThrow(
      "got a function (call it and send its result?)",
    );
    expect(() => client.logPrediction({ ...predictionInput(), features: { n: Number.NaN } })).toThrow(
      "got NaN (send null for a missing number)",
    );
    expect(() => client.logPrediction({ ...predictionInput(), features: { u: undefined } as never })).toThrow(
      "`data.features.u`",
    );
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, i]));
    expect(() => client.logPrediction({ ...predictionInput(), features: many })).toThrow(
      "`data.features` has more than 1000 keys (got 1001 keys)",
    );
    expect(client.stats().featureValues.total).toBe(0);
  });
});
