import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

/**
 * The exposure rules (docs/browser.md, "Exposures") in Chromium: a hidden page pauses an exposure, a
 * short scroll away does not end it, a panel taller than the viewport can be seen, a glimpse is not a
 * view, and a page opened in a background tab logs nothing until it is shown. Headless Chromium (and
 * headful under Xvfb, tried) keeps every Playwright page `visible`, so hiding is driven through the
 * DOM: `document.visibilityState` and the `visibilitychange` event the browser would fire.
 */
const h = useHarness();

const events = (predictionId: string) =>
  h.server.unique
    .filter((e) => e.subject === predictionId)
    .map((e) => (e.type === "ml.feedback" ? String(e.data.action) : e.type));

const setVisibility = (page: Page, state: "hidden" | "visible") =>
  page.evaluate((state) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => state === "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);

const flush = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).client.flush({ timeoutMs: 5_000 }));

/** Starts tracking `#id` with the element helper under handles[name]. */
const trackElement = (page: Page, id: string, predictionId: string) =>
  page.evaluate(
    ([id, predictionId]) => {
      const w = window as unknown as PageWindow;
      w.handles = {
        ...w.handles,
        [predictionId]: w.inferlog.trackElementExposure(w.client, document.getElementById(id), {
          predictionId,
          shown: ["a", "b"],
          surface: "feed",
        }),
      };
    },
    [id, predictionId] as const,
  );
const stateOf = (page: Page, name: string) =>
  page.evaluate((name) => (window as unknown as PageWindow).handles[name]?.state, name);

describe("exposures that mean what they say", () => {
  it("a 2 s tab switch pauses the exposure: ignoreAfterMs counts visible time only, and the accept after it is logged", async () => {
    const page = await h.open({ flushIntervalMs: 50 });
    await page.evaluate(() => {
      const w = window as unknown as PageWindow;
      w.handles = {
        tab: w.client.trackExposure({ predictionId: "tab-1", shown: ["a", "b"], surface: "s", ignoreAfterMs: 1_000 }),
      };
    });
    await page.waitForTimeout(300);
    await setVisibility(page, "hidden");
    await page.waitForTimeout(2_000);
    expect(await stateOf(page, "tab")).toBe("open");
    await setVisibility(page, "visible");
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as PageWindow).handles.tab?.accept("b"))).toBe(true);
    await flush(page);
    expect(events("tab-1")).toEqual(["ml.exposure", "accepted"]);
    // The dwell is the visible time (about 600 ms), not the 2.6 s since the exposure.
    const dwell = h.server.unique.find((e) => e.type === "ml.feedback" && e.subject === "tab-1")?.data
      .dwellMs as number;
    expect(dwell).toBeGreaterThanOrEqual(550);
    expect(dwell).toBeLessThan(2_000);
    await page.context().close();
  });

  it("scrolled away for 300 ms and back: the exposure goes on and the accept is logged; away for good: `ignored`", async () => {
    const page = await h.open({ flushIntervalMs: 50 }, { path: "/tall.html" });
    await page.evaluate(() => document.getElementById("sugg")?.scrollIntoView());
    await trackElement(page, "sugg", "away-1");
    await h.server.waitFor(() => events("away-1").length === 1, 5_000, "the exposure");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.evaluate(() => document.getElementById("sugg")?.scrollIntoView());
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as PageWindow).handles["away-1"]?.accept("a"))).toBe(true);
    await flush(page);
    expect(events("away-1")).toEqual(["ml.exposure", "accepted"]);

    await trackElement(page, "sugg", "away-2");
    await h.server.waitFor(() => events("away-2").length === 1, 5_000, "the second exposure");
    await page.evaluate(() => window.scrollTo(0, 0));
    await h.server.waitFor(() => events("away-2").length === 2, 5_000, "`ignored` after 1 s off screen");
    expect(events("away-2")).toEqual(["ml.exposure", "ignored"]);
    await page.context().close();
  });

  it("a panel taller than the viewport counts as seen once it fills half of it, and a click reports its dwell", async () => {
    const page = await h.open({ flushIntervalMs: 50 }, { path: "/panel.html" });
    await trackElement(page, "panel", "tall-1");
    await page.evaluate(() => window.scrollTo(0, 1_700)); // the panel fills the viewport, a third of it on screen
    await h.server.waitFor(() => events("tall-1").length === 1, 5_000, "the exposure of the tall panel");
    await page.waitForTimeout(300);
    await page.evaluate(() => (window as unknown as PageWindow).handles["tall-1"]?.accept("b"));
    await flush(page);
    expect(events("tall-1")).toEqual(["ml.exposure", "accepted"]);
    const dwell = h.server.unique.find((e) => e.type === "ml.feedback" && e.subject === "tall-1")?.data
      .dwellMs as number;
    expect(dwell).toBeGreaterThanOrEqual(500); // 250 ms to be seen, 300 ms more before the click
    await page.context().close();
  });

  it("a 50 ms glimpse while scrolling past is not a view: no exposure, no `ignored`", async () => {
    const page = await h.open({ flushIntervalMs: 50 }, { path: "/tall.html" });
    await trackElement(page, "sugg", "glimpse-1");
    await page.evaluate(async () => {
      document.getElementById("sugg")?.scrollIntoView();
      await new Promise((r) => setTimeout(r, 50));
      window.scrollTo(0, 0);
    });
    await page.waitForTimeout(1_500);
    await flush(page);
    expect(events("glimpse-1")).toEqual([]);
    expect(await stateOf(page, "glimpse-1")).toBe("open");
    await page.context().close();
  });

  it("a page opened in a background tab logs the exposure only once shown, and the accept after it", async () => {
    const context = await h.browser.newContext();
    await context.addInitScript(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    });
    const page = await h.open({ flushIntervalMs: 50 }, { context });
    await page.evaluate(() => {
      const w = window as unknown as PageWindow;
      w.handles = {
        bg: w.client.trackExposure({ predictionId: "bg-1", shown: ["a"], surface: "s", ignoreAfterMs: 500 }),
      };
    });
    await page.waitForTimeout(1_000);
    await flush(page);
    expect(events("bg-1")).toEqual([]);
    await setVisibility(page, "visible");
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as PageWindow).handles.bg?.accept())).toBe(true);
    await flush(page);
    expect(events("bg-1")).toEqual(["ml.exposure", "accepted"]);
    await context.close();
  });
});
