import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

const h = useHarness();

const arrived = (subject: string) =>
  h.server.unique
    .filter((e) => e.subject === subject)
    .map((e) => e.type)
    .sort();

describe("page close", () => {
  it("delivers events logged in the last moment before a navigation", async () => {
    const page = await h.open({ flushIntervalMs: 60_000 });
    await page.evaluate(() => (window as unknown as PageWindow).logTrio("nav-1"));
    // Nothing has gone out (the interval is 60 s): the navigation's pagehide is what must deliver.
    // Navigating from Playwright, not from inside evaluate(), which could hang on a loaded machine.
    expect(h.server.requests).toBe(0);
    await page.goto(`${h.server.url}/other.html`);
    await h.server.waitFor(() => arrived("nav-1").length === 3, 10_000, "the three events");
    expect(arrived("nav-1")).toEqual(["ml.exposure", "ml.feedback", "ml.prediction"]);
    expect([...h.server.counts().values()]).toEqual([1, 1, 1]);
    await page.close();
  });

  it("delivers events logged in the last moment before the tab closes", async () => {
    const page = await h.open({ flushIntervalMs: 60_000 });
    await page.evaluate(() => (window as unknown as PageWindow).logTrio("close-1"));
    expect(h.server.requests).toBe(0);
    await page.close({ runBeforeUnload: true });
    await h.server.waitFor(() => arrived("close-1").length === 3, 10_000, "the three events");
    expect(arrived("close-1")).toEqual(["ml.exposure", "ml.feedback", "ml.prediction"]);
    expect([...h.server.counts().values()]).toEqual([1, 1, 1]);
  });

  it("sends the most valuable events first within the keepalive budget and replays the rest at the next load", async () => {
    const context = await h.browser.newContext();
    const page = await h.open({ flushIntervalMs: 60_000, flushAt: 1000 }, { context });
    const logged = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      // ~200 KB of predictions: far over the ~60 KiB a closing page may send.
      for (let i = 0; i < 20; i++) w.logBig(`big-${i}`, 10);
      for (let i = 0; i < 5; i++) w.client.logFeedback({ predictionId: `fb-${i}`, action: "dismissed" });
      await new Promise((r) => setTimeout(r, 300)); // let IndexedDB writes commit
      return w.client.stats();
    });
    expect(logged.storage).toMatchObject({ mode: "indexeddb", persisted: 25 });
    await page.close({ runBeforeUnload: true });
    await h.server.waitFor(() => h.server.unique.filter((e) => e.type === "ml.feedback").length === 5, 10_000);
    const atClose = h.server.unique;
    // All feedback went out at close, and predictions only as far as the budget allowed.
    expect(atClose.filter((e) => e.type === "ml.feedback").map((e) => e.subject)).toEqual([
      "fb-0",
      "fb-1",
      "fb-2",
      "fb-3",
      "fb-4",
    ]);
    const bigAtClose = atClose.filter((e) => e.type === "ml.prediction").length;
    expect(bigAtClose).toBeGreaterThan(0);
    expect(bigAtClose).toBeLessThan(20);

    // The next page of the same origin replays what did not fit, with the same ids.
    const next = await h.open({ flushIntervalMs: 100 }, { context });
    await h.server.waitFor(() => h.server.unique.length === 25, 15_000, "all 25 events");
    const subjects = h.server.unique.map((e) => e.subject).sort();
    expect(subjects).toEqual(
      [...Array.from({ length: 20 }, (_, i) => `big-${i}`), ...Array.from({ length: 5 }, (_, i) => `fb-${i}`)].sort(),
    );
    await next.evaluate(() => (window as unknown as PageWindow).client.flush());
    const stored = await next.evaluate(() => (window as unknown as PageWindow).client.stats().storage);
    expect(stored.restored).toBeGreaterThanOrEqual(20 - bigAtClose);
    await context.close();
  });

  // Depends on core's page-close path ignoring the circuit breaker (sendNow/deliver in core's delivery).
  it("sends at close while the circuit is open after an outage, with the collector already back", async () => {
    const opts = { flushIntervalMs: 50, circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 } };
    const page = await h.open(opts);
    // An outage: every request fails without an HTTP answer, which is what opens the circuit.
    await page.route("**/v1/events", (route) => route.abort("connectionrefused"));
    await page.evaluate(() => (window as unknown as PageWindow).logTrio("outage"));
    await page.waitForFunction(() => (window as unknown as PageWindow).client.stats().circuit === "open", null, {
      timeout: 10_000,
    });
    await page.unroute("**/v1/events");
    // The collector is back; the user accepts 5 suggestions and closes the tab a second later.
    await page.evaluate(() => {
      const { client } = window as unknown as PageWindow;
      for (let i = 0; i < 5; i++) client.logFeedback({ predictionId: `open-${i}`, action: "accepted" });
    });
    await page.waitForTimeout(1_000);
    await page.close();
    await h.server.waitFor(
      () => h.server.unique.filter((e) => e.subject?.startsWith("open-")).length === 5,
      5_000,
      "the 5 accepts, sent at close",
    );
  });
});
