/**
 * In real Chromium: a browser key only writes from its own origins (the collector's CORS and key
 * checks together), and hostile input to every public call of `@inferlog/browser` never throws into
 * the page, while everything it lets through is stored once. The development build refuses bad
 * events in the page (nothing is rejected late); the production build leaves that to the collector,
 * and the page counts each refusal.
 */
import fc from "fast-check";
import type { BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type BrowserRig, type ChaosWindow, logTrios, startBrowserRig } from "./test/browser.js";
import { type Stack, startStack, until } from "./test/stack.js";

const OURS = "pk_live_ours_0123456789abcdef";
const THEIRS = "pk_live_theirs_0123456789abcdef";
let rig: BrowserRig;
let stack: Stack | undefined;
let context: BrowserContext | undefined;
beforeAll(async () => {
  rig = await startBrowserRig();
});
afterAll(() => rig?.close());
afterEach(async () => {
  await context?.close();
  await stack?.stop();
  context = stack = undefined;
});

describe("browser keys and origins, in Chromium", () => {
  it("a key listed for another origin writes nothing; the key for this origin writes every event once", async () => {
    const origin = new URL(rig.pageUrl).origin;
    stack = await startStack({
      auth: {
        keys: [
          { key: OURS, kind: "browser", origins: [origin] },
          { key: THEIRS, kind: "browser", origins: ["https://other.example"] },
        ],
      },
    });
    context = await rig.browser.newContext();
    const errors: string[] = [];
    context.on("page", (p) => p.on("pageerror", (e) => errors.push(e.message)));
    const wrong = await rig.open(context, stack.endpoint, { writeKey: THEIRS, persistence: false });
    await logTrios(wrong, "theirs", 0, 5);
    const r = await wrong.evaluate(() => (window as unknown as ChaosWindow).client.flush({ timeoutMs: 1_500 }));
    expect(r.sent).toBe(0);
    expect((await stack.idCounts()).size).toBe(0);
    await wrong.close();

    const right = await rig.open(context, stack.endpoint, { writeKey: OURS, persistence: false });
    await logTrios(right, "ours", 0, 5);
    await until(async () => (await stack?.idCounts())?.size === 15, "15 events from the allowed origin", 15_000);
    const counts = await stack.idCounts();
    expect([counts.size, [...counts.values()].every((n) => n === 1)]).toEqual([15, true]);
    expect(errors).toEqual([]);
  });
});

/** JSON-able hostile input (the page gets it through page.evaluate); `__proto__` keys arrive via JSON.parse in the page. */
const scalar = fc.oneof(
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant("x".repeat(5_000)),
);
const value = fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 }));
const input = fc.record(
  {
    predictionId: fc.oneof(fc.string({ maxLength: 30 }), fc.uuid(), value),
    output: fc.oneof(fc.record({ label: scalar, score: scalar }, { requiredKeys: [] }), value),
    features: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), scalar, { maxKeys: 6 }), value),
    shown: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), value),
    surface: scalar,
    action: fc.oneof(fc.constantFrom("accepted", "dismissed", "loved"), value),
    label: scalar,
    time: fc.oneof(fc.integer(), fc.string({ maxLength: 30 }), fc.constant(8.64e15 + 1)),
  },
  { requiredKeys: [] },
);
const CALLS = ["logPrediction", "logExposure", "logFeedback", "logOutcome", "logFeatures", "logFeatureProfile"];

describe("hostile input to every public call of @inferlog/browser, in Chromium", () => {
  it.each(["development", "production"])(
    "never throws into the page; what it lets through is stored once (%s build)",
    async (build) => {
      stack = await startStack();
      context = await rig.browser.newContext();
      const pageErrors: string[] = [];
      context.on("page", (p) => p.on("pageerror", (e) => pageErrors.push(e.message)));
      const page = await rig.open(context, stack.endpoint, { persistence: false, build });
      const calls = fc.sample(fc.tuple(fc.constantFrom(...CALLS), input, fc.boolean()), {
        numRuns: Number(process.env.INFERLOG_FUZZ_RUNS ?? "400"),
        seed: Number(process.env.INFERLOG_FUZZ_SEED ?? "5"),
      }) as [string, unknown, boolean][];
      const json = await page.evaluate(
        async ({ calls }) => {
          const w = window as unknown as ChaosWindow;
          const thrown: string[] = [];
          const c = w.client as unknown as Record<string, (x: unknown) => void>;
          for (const [name, arg, poison] of calls) {
            // Half the inputs carry own __proto__ / constructor keys, as JSON.parse of a request body would.
            const hostile = poison
              ? JSON.parse(`{"__proto__":{"polluted":1},"constructor":1,"x":${JSON.stringify(arg)}}`)
              : arg;
            try {
              c[name]?.(poison ? { ...(arg as object), features: hostile } : hostile);
            } catch (e) {
              thrown.push(String(e));
            }
          }
          const flushed = await w.client.flush({ timeoutMs: 10_000 });
          const stats = w.client.stats();
          // As JSON: the stats type is too deep for page.evaluate's inference.
          return JSON.stringify({ thrown, flushed, stats, polluted: ({} as Record<string, unknown>).polluted });
        },
        { calls },
      );
      const out = JSON.parse(json) as {
        thrown: string[];
        flushed: { ok: boolean; pending: number };
        stats: { logged: number; sent: number; dropped: { total: number; invalid: number; rejected: number } };
        polluted: unknown;
      };
      expect(out.thrown).toEqual([]);
      expect(out.polluted).toBeUndefined();
      expect(out.flushed).toMatchObject({ ok: true, pending: 0 });
      const { invalid, rejected, total } = out.stats.dropped;
      expect(out.stats.logged).toBe(out.stats.sent + total);
      expect(out.stats.sent).toBeGreaterThan(0);
      if (build === "development") expect([invalid > 0, rejected, total]).toEqual([true, 0, invalid]);
      // Unserializable input is still counted in the page; the rest of what is bad, the collector refuses.
      else expect([rejected > 0, total]).toEqual([true, invalid + rejected]);
      const counts = await stack.idCounts();
      expect([counts.size, [...counts.values()].every((n) => n === 1)]).toEqual([out.stats.sent, true]);
      expect(pageErrors).toEqual([]);
    },
  );
});
