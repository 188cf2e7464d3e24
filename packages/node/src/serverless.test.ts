import { describe, expect, it } from "vitest";
import type { TestCollector } from "../test/collector.js";
import { perTest } from "../test/per-test.js";
import type { NodeClient } from "./create-client.js";
import { wrapHandler } from "./serverless.js";

const live = perTest();
let collector: TestCollector;
let client: NodeClient;

const setup = async () => {
  collector = await live.collector();
  client = live.client({
    endpoint: collector.url,
    source: "fn",
    model: { name: "m", version: "1" },
    flushIntervalMs: 60_000,
  });
  return client;
};

describe("wrapHandler", () => {
  it("sends what the handler logged before its result is returned (AWS Lambda)", async () => {
    const c = await setup();
    const handler = wrapHandler(c, async (event: { n: number }) => {
      for (let i = 0; i < event.n; i++) c.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
      return { statusCode: 200 };
    });
    const res = await handler({ n: 7 });
    // No waiting after the return: a frozen Lambda would get no later chance.
    expect(collector.subjects).toEqual(["p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6"]);
    expect(res).toEqual({ statusCode: 200 });
  });

  it("flushes and then rethrows when the handler fails", async () => {
    const c = await setup();
    const handler = wrapHandler(c, async () => {
      c.logPrediction({ predictionId: "p-err", output: { label: "a" } });
      throw new Error("boom");
    });
    await expect(handler()).rejects.toThrow("boom");
    expect(collector.subjects).toEqual(["p-err"]);
  });

  it("hands the flush to waitUntil and returns without waiting (Vercel, Cloudflare)", async () => {
    const c = await setup();
    collector.delayMs = 300;
    const handed: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => handed.push(p) };
    const handler = wrapHandler(
      c,
      async (_req: string, _ctx: typeof ctx) => {
        c.logPrediction({ predictionId: "p-bg", output: { label: "a" } });
        return "ok";
      },
      { waitUntil: (p, _req, context) => context.waitUntil(p) },
    );
    const t0 = Date.now();
    expect(await handler("req", ctx)).toBe("ok");
    expect(Date.now() - t0).toBeLessThan(250);
    expect(handed).toHaveLength(1);
    expect(collector.subjects).toEqual([]);
    await handed[0];
    expect(collector.subjects).toEqual(["p-bg"]);
  });

  it("bounds the added latency by timeoutMs when the collector hangs", async () => {
    const c = await setup();
    collector.reply = () => "hang";
    const handler = wrapHandler(c, async () => c.logPrediction({ output: { label: "a" } }), { timeoutMs: 300 });
    const t0 = Date.now();
    await handler();
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("refuses a missing client or handler with a clear error", () => {
    expect(() => wrapHandler({} as never, async () => 1)).toThrow(/Expected `client` to be an inferlog client/);
    expect(() => wrapHandler({ flush: async () => ({}) }, 5 as never)).toThrow(
      /Expected `handler` to be a function, got `\d+`/,
    );
  });
});
