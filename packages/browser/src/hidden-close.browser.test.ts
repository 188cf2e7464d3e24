import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

/**
 * A tab switched away from, then closed: the close fires `pagehide` but no second `visibilitychange`
 * (the page is hidden already). Headless Chromium keeps pages visible, so the switch is driven through
 * the DOM (as in exposure-rules.browser.test.ts), and the close-time `visibilitychange` is held back.
 */
const h = useHarness();

const noIndexedDb = () =>
  Object.defineProperty(window, "indexedDB", {
    get() {
      throw new DOMException("IndexedDB is disabled", "InvalidStateError");
    },
  });

const switchAway = (page: Page) =>
  page.evaluate(() => {
    let fired = false;
    addEventListener(
      "visibilitychange",
      (event) => {
        if (fired) event.stopImmediatePropagation();
        fired = true;
      },
      true,
    );
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });

/** The page's `onError` messages, read after it is gone (kept by a `pagehide` listener after the SDK's). */
const keepErrorsAtClose = (page: Page) =>
  page.evaluate(() =>
    addEventListener("pagehide", () =>
      localStorage.setItem("test:errors", JSON.stringify((window as unknown as PageWindow).errors)),
    ),
  );
const errorsAtClose = async (context: BrowserContext) => {
  const probe = await context.newPage();
  await probe.goto(`${h.server.url}/other.html`);
  return probe.evaluate(() => JSON.parse(localStorage.getItem("test:errors") ?? "null") as string[]);
};

const feedback = () =>
  h.server.unique.filter((e) => e.type === "ml.feedback").map((e) => `${e.subject}:${String(e.data.action)}`);
const predictions = (prefix: string) =>
  new Set(h.server.unique.filter((e) => e.subject?.startsWith(prefix)).map((e) => e.subject)).size;

describe("a hidden tab closed", () => {
  // With IndexedDB, a burst logged just before the close keeps the database busy, so the feedback
  // logged at pagehide is not written in time and only the spill can keep it.
  it.each([
    ["with IndexedDB, busy with a late burst", false, 2_000],
    ["without IndexedDB", true, 0],
  ])(
    "%s, with the keepalive budget spent on a slow collector: the `ignored` feedback of pagehide is kept for the next visit",
    async (_, withoutDb, late) => {
      const context = await h.browser.newContext();
      if (withoutDb) await context.addInitScript(noIndexedDb);
      const page = await h.open({ flushIntervalMs: 50 }, { context });
      // The collector never answers this page: its requests stay in flight and keep the keepalive budget.
      await page.route("**/v1/events", () => {});
      await page.evaluate(() => {
        const { client } = window as unknown as PageWindow;
        for (let i = 0; i < 400; i++) client.logPrediction({ predictionId: `slow-${i}`, output: { label: "a" } });
      });
      await page.waitForTimeout(1_300);
      await page.evaluate(() => {
        const { client } = window as unknown as PageWindow;
        client.trackExposure({ predictionId: "left-1", shown: ["a", "b"], surface: "s", ignoreAfterMs: 60_000 });
      });
      await page.waitForTimeout(200);
      await switchAway(page);
      await page.waitForTimeout(300);
      await page.evaluate((late) => {
        const { client } = window as unknown as PageWindow;
        for (let i = 0; i < late; i++) client.logPrediction({ predictionId: `late-${i}`, output: { label: "a" } });
      }, late);
      await page.close({ runBeforeUnload: true });

      await h.open({ flushIntervalMs: 50 }, { context });
      const all = () => feedback().length > 0 && predictions("slow-") === 400 && predictions("late-") === late;
      await h.server.waitFor(all, 20_000, "every event and the feedback");
      expect(feedback()).toEqual(["left-1:ignored"]);
      await context.close();
    },
  );

  it("an exposure whose onChange throws at pagehide costs neither the other exposures' `ignored` nor the spill; onError hears of it", async () => {
    const context = await h.browser.newContext();
    await context.addInitScript(noIndexedDb);
    const page = await h.open({ flushIntervalMs: 50 }, { context });
    await keepErrorsAtClose(page);
    await page.evaluate(() => {
      const { client } = window as unknown as PageWindow;
      client.trackExposure(
        { predictionId: "bad-1", shown: ["a"], surface: "s" },
        {
          onChange(state) {
            if (state === "ignored") throw new Error("the app's onChange broke");
          },
        },
      );
      client.trackExposure({ predictionId: "good-1", shown: ["a"], surface: "s" });
    });
    await h.server.waitFor(() => h.server.unique.length === 2, 5_000, "the two exposures");
    // From here the collector is out of reach for this page (the close-time request too): only the spill keeps events.
    await page.route("**/v1/events", (route) => route.abort());
    await switchAway(page);
    await page.waitForTimeout(300);
    await page.evaluate(() => {
      const { client } = window as unknown as PageWindow;
      for (let i = 0; i < 30; i++) client.logPrediction({ predictionId: `hidden-${i}`, output: { label: "a" } });
    });
    await page.waitForTimeout(200);
    await page.close({ runBeforeUnload: true });

    const reported = (await errorsAtClose(context)).filter((message) => !message.includes("fetch"));
    expect(reported).toEqual(["Updating an exposure threw: the app's onChange broke"]);
    await h.open({ flushIntervalMs: 50 }, { context });
    await h.server.waitFor(() => predictions("hidden-") === 30 && feedback().length === 2, 15_000, "the events");
    expect(feedback().sort()).toEqual(["bad-1:ignored", "good-1:ignored"]);
    await context.close();
  });
});
