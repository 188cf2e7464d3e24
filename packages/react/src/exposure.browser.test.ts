import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.server.reset());

const EXPOSED = ["ml.exposure", "reply-box"];

describe("<Exposure> and useExposure in Chromium", () => {
  it("logs the exposure once shown and the accepted candidate when clicked", async () => {
    const page = await h.open();
    await h.mount(page, { id: "acc-1" });
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "open");
    await page.click("#accept-b");
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "accepted");
    await h.unmount(page); // an accepted exposure stays accepted: no `ignored` on unmount
    await h.flush(page);
    expect(h.eventsFor("acc-1")).toEqual([EXPOSED, ["ml.feedback", "accepted", "explicit", "b"]]);
    expect(await page.$eval("#root", (el) => el.innerHTML)).toBe("");
    await page.close();
  });

  it("logs `ignored` (derived) when it unmounts with nothing done, once, even under StrictMode", async () => {
    const page = await h.open();
    await h.mount(page, { id: "unm-1", strict: true });
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "open");
    // Seen once on screen for MIN_VISIBLE_MS (250 ms).
    await page.waitForTimeout(500);
    await h.flush(page);
    // StrictMode mounted, unmounted and remounted the effect: still one exposure, no feedback.
    expect(h.eventsFor("unm-1")).toEqual([EXPOSED]);
    await h.unmount(page);
    await page.waitForTimeout(50);
    await h.flush(page);
    expect(h.eventsFor("unm-1")).toEqual([EXPOSED, ["ml.feedback", "ignored", "derived", ""]]);
    await page.close();
  });

  it("logs `ignored` when ignoreAfterMs passes, and the component re-renders with the new state", async () => {
    const page = await h.open();
    await h.mount(page, { id: "tmo-1", ignoreAfterMs: 300 });
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "ignored", null, {
      timeout: 5_000,
    });
    await page.click("#dismiss"); // too late: the first outcome wins
    await h.unmount(page);
    await page.waitForTimeout(50);
    await h.flush(page);
    expect(h.eventsFor("tmo-1")).toEqual([EXPOSED, ["ml.feedback", "ignored", "derived", ""]]);
    await page.close();
  });

  it("waits until the suggestions are on screen before logging the exposure", async () => {
    const page = await h.open();
    await h.mount(page, { id: "off-1", offscreen: true });
    await page.waitForTimeout(400);
    await h.flush(page);
    expect(h.eventsFor("off-1")).toEqual([]);
    await page.evaluate(() => document.querySelector(".suggestions")!.scrollIntoView());
    await h.server.waitFor(() => h.eventsFor("off-1").length === 1, 5_000, "the exposure");
    await page.click("#dismiss");
    await h.flush(page);
    expect(h.eventsFor("off-1")).toEqual([EXPOSED, ["ml.feedback", "dismissed", "explicit", ""]]);
    await page.close();
  });

  it("useExposure alone tracks from mount", async () => {
    const page = await h.open();
    await h.mount(page, { id: "hook-1", hook: true });
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "open");
    await page.click("#reject");
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "rejected");
    await h.flush(page);
    expect(h.eventsFor("hook-1")).toEqual([
      ["ml.exposure", "hook"],
      ["ml.feedback", "rejected", "explicit", ""], // rejecting the whole list names no candidate
    ]);
    await page.close();
  });

  it("follows the element it is given: list view replaced by grid view keeps the exposure, and the accept is logged", async () => {
    const page = await h.open();
    await h.mount(page, { id: "swap-1", swap: true });
    await h.server.waitFor(() => h.eventsFor("swap-1").length === 1, 5_000, "the exposure");
    await page.click("#to-grid");
    await page.waitForSelector("#grid");
    await page.waitForTimeout(1_300); // longer than LEAVE_AFTER_MS: the old element is gone for good
    expect(await page.$eval("#state", (el) => el.textContent)).toBe("open");
    await page.click("#accept-b");
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "accepted");
    await h.flush(page);
    expect(h.eventsFor("swap-1")).toEqual([
      ["ml.exposure", "swap"],
      ["ml.feedback", "accepted", "explicit", "b"],
    ]);
    await page.close();
  });

  it("re-renders when the state changes by itself: scrolled away for good shows `ignored` without a click", async () => {
    const page = await h.open();
    await h.mount(page, { id: "rr-1", offscreen: true });
    await page.evaluate(() => document.querySelector(".suggestions")!.scrollIntoView());
    await h.server.waitFor(() => h.eventsFor("rr-1").length === 1, 5_000, "the exposure");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "ignored", null, {
      timeout: 5_000,
    });
    await h.flush(page);
    expect(h.eventsFor("rr-1")).toEqual([EXPOSED, ["ml.feedback", "ignored", "derived", ""]]);
    await page.close();
  });
});
