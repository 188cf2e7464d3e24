import { TestServer } from "@inferlog/test-support/collector-server";
import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

const h = useHarness();

describe("offline and cross-origin", () => {
  it("holds requests while the browser is offline and sends each event once `online` fires", async () => {
    const context = await h.browser.newContext();
    const page = await h.open({ flushIntervalMs: 50 }, { context });
    await context.setOffline(true);
    const whileOffline = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      for (let i = 0; i < 3; i++) w.logTrio(`off-${i}`);
      await new Promise((r) => setTimeout(r, 1_000));
      return w.client.stats();
    });
    // The batch waits for `online` instead of failing: no attempt made, no retry burnt, no loop.
    expect(whileOffline).toMatchObject({ inFlight: 9, retried: 0, sent: 0 });
    expect(h.server.requests).toBe(0);
    const started = Date.now();
    await context.setOffline(false);
    await h.server.waitFor(() => h.server.unique.length === 9, 10_000, "9 events");
    expect(Date.now() - started).toBeLessThan(5_000); // woke on `online`, not on the 30 s recheck
    expect([...h.server.counts().values()]).toEqual(Array(9).fill(1));
    await context.close();
  });

  it("delivers at tab close to a collector on another origin (CORS preflight with keepalive)", async () => {
    const collector = new TestServer();
    const url = await collector.start();
    try {
      const page = await h.open({ endpoint: `${url}/v1/events`, flushIntervalMs: 60_000 });
      await page.evaluate(() => (window as unknown as PageWindow).logTrio("cors-1"));
      await page.close({ runBeforeUnload: true });
      await collector.waitFor(() => collector.unique.length === 3, 10_000, "3 events");
      expect(collector.unique.map((e) => e.type).sort()).toEqual(["ml.exposure", "ml.feedback", "ml.prediction"]);
      expect(h.server.received).toEqual([]);
    } finally {
      await collector.close();
    }
  });
});
