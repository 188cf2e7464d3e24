import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClientStats } from "./stats.js";
import { predictionInput, setup } from "./test-helpers.js";

const throwingGetter = (field: string) =>
  Object.defineProperty({ label: "x", action: "accepted", shown: ["a"], surface: "s" }, field, {
    enumerable: true,
    get() {
      throw new Error(`getter ${field}`);
    },
  });

const input = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer().map((i) => ({ ...predictionInput(i), predictionId: `p${i}` })),
  fc.integer().map((i) => ({ predictionId: `p${i}`, label: "x", action: "accepted", shown: ["a"], surface: "s" })),
  fc.constantFrom("predictionId", "features", "output", "label", "action").map(throwingGetter),
  fc.anything(),
);

const identity = (s: ClientStats) => s.sent + s.dropped.total + s.queued + s.inFlight;

describe("stats() identity", () => {
  it("logged = sent + dropped.total + queued + inFlight after every call of every log method", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(5), input), { maxLength: 30 }),
        fc.constantFrom(1, 0.5),
        fc.nat(30),
        async (calls, sampleRate, shutdownAt) => {
          const { client } = setup({ sampleRate });
          let i = 0;
          for (const [which, arg] of calls) {
            if (i++ === shutdownAt) void client.shutdown();
            const call = [
              () => client.logPrediction(arg as never),
              () => client.logExposure(arg as never),
              () => client.logFeedback(arg as never),
              () => client.logOutcome(arg as never),
              () => client.logFeatures(arg as never),
              () => client.logFeatureProfile(arg as never),
            ][which] as () => unknown;
            call();
            const s = client.stats();
            expect(s.logged).toBe(i);
            expect(identity(s)).toBe(s.logged);
          }
          await client.flush();
          const s = client.stats();
          expect(identity(s)).toBe(s.logged);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("counts a throwing predictionId getter on logExposure, logFeedback, logOutcome and logFeatures", async () => {
    const { client } = setup();
    const bad = throwingGetter("predictionId");
    client.logExposure(bad as never);
    client.logFeedback(bad as never);
    client.logOutcome(bad as never);
    client.logFeatures(bad as never);
    await client.flush();
    expect(client.stats()).toMatchObject({ logged: 4, sent: 0, queued: 0, inFlight: 0 });
    expect(client.stats().dropped).toMatchObject({ invalid: 4, total: 4 });
  });
});
