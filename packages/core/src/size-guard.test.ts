import { describe, expect, it } from "vitest";
import { isValidationError } from "./errors.js";
import { predictionInput, setup } from "./test-helpers.js";

const hugeRecord = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`feature_${i}`, i]));

describe("size limits before any deep walk", () => {
  it("refuses a 100,000-key feature map by field, counted as invalid, with one walk of its keys", async () => {
    const errors: Error[] = [];
    const { client, transport } = setup({ onError: (e) => errors.push(e) });
    const features = hugeRecord(100_000);
    let reads = 0;
    // A getter on one value: a deep walk (copy, validation, serialization) would read it.
    Object.defineProperty(features, "feature_5", {
      enumerable: true,
      get: () => {
        reads++;
        return 5;
      },
    });
    client.logPrediction({ ...predictionInput(), features });
    client.logFeatures({ predictionId: "p1", features });
    await client.flush();
    expect(reads).toBe(0);
    expect(client.stats().dropped.invalid).toBe(2);
    expect(transport.events).toHaveLength(0);
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(isValidationError(e) && e.field).toBe("data.features");
      // Up to ten times the limit the first 1,000 are kept (feature-values.ts); past that the map is refused whole.
      expect(e.message).toContain("`data.features` has more than 10000 keys (got 100000 keys)");
    }
  });

  it("lists a huge feature map's keys once for a prediction: the fast path's count serves the refusal", async () => {
    const errors: Error[] = [];
    // A model the fast path writes itself (no trainedAt), so the prediction takes the fast path.
    const { client } = setup({ onError: (e) => errors.push(e), model: { name: "m", version: "1" } });
    let listings = 0;
    const features = new Proxy(hugeRecord(100_000), {
      ownKeys(target) {
        listings++;
        return Reflect.ownKeys(target);
      },
    });
    client.logPrediction({ ...predictionInput(), features });
    await client.flush();
    expect(listings).toBe(1);
    expect(client.stats().dropped.invalid).toBe(1);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining("`data.features` has more than 10000 keys (got 100000 keys)"),
    ]);
  });

  it("refuses oversized arrays and tag maps the same way, and lets a filtered feature map be counted after the filter", async () => {
    const errors: Error[] = [];
    const { client, transport } = setup({ onError: (e) => errors.push(e) });
    client.logExposure({ predictionId: "p1", shown: Array.from({ length: 5_000 }, (_, i) => `c${i}`), surface: "s" });
    client.logPrediction({ ...predictionInput(), tags: hugeRecord(40) as never });
    await client.flush();
    expect(errors.map((e) => (e as { field?: string }).field)).toEqual(["data.shown", "data.tags"]);
    expect(transport.events).toHaveLength(0);

    const filtered = setup({ features: { deny: Array.from({ length: 1_500 }, (_, i) => `feature_${i}`) } });
    filtered.client.logPrediction({ ...predictionInput(), features: hugeRecord(2_000) });
    await filtered.client.flush();
    expect(filtered.transport.events).toHaveLength(1);
  });
});
