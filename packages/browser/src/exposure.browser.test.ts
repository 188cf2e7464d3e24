import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

const h = useHarness();

/** Feedback that arrived for one prediction: [action, kind] pairs. */
const feedbackFor = (predictionId: string) =>
  h.server.unique
    .filter((e) => e.type === "ml.feedback" && e.subject === predictionId)
    .map((e) => [e.data.action, e.data.kind]);

describe("exposure tracking", () => {
  it("emits exactly one derived `ignored` when nothing happens before ignoreAfterMs", async () => {
    const page = await h.open({ flushIntervalMs: 50 });
    const r = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const x = w.client.trackExposure({
        predictionId: "ign-1",
        shown: ["a", "b"],
        surface: "reply-box",
        ignoreAfterMs: 200,
      });
      await new Promise((r) => setTimeout(r, 600));
      const later = [x.leave(), x.accept("a"), x.dismiss()];
      await w.client.flush({ timeoutMs: 5_000 });
      return { state: x.state, later };
    });
    expect(r).toEqual({ state: "ignored", later: [false, false, false] });
    expect(feedbackFor("ign-1")).toEqual([["ignored", "derived"]]);
    const exposure = h.server.unique.filter((e) => e.type === "ml.exposure" && e.subject === "ign-1");
    expect(exposure.map((e) => e.data.ignoreAfterMs)).toEqual([200]);
    const ignored = h.server.unique.find((e) => e.type === "ml.feedback" && e.subject === "ign-1");
    // Timer clamping may land a millisecond or two either side of 200.
    expect(ignored?.data.dwellMs).toBeGreaterThanOrEqual(195);
    await page.context().close();
  });

  it("an accept after the timeout does not emit both; an accept before it cancels `ignored`", async () => {
    const page = await h.open({ flushIntervalMs: 50 });
    const r = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const late = w.client.trackExposure({
        predictionId: "late-1",
        shown: ["a", "b"],
        surface: "s",
        ignoreAfterMs: 100,
      });
      const early = w.client.trackExposure({
        predictionId: "early-1",
        shown: ["a", "b"],
        surface: "s",
        ignoreAfterMs: 100,
      });
      const tookEarly = early.accept("b");
      await new Promise((r) => setTimeout(r, 400));
      const tookLate = late.accept("a");
      await w.client.flush({ timeoutMs: 5_000 });
      return { tookEarly, tookLate, early: early.state, late: late.state };
    });
    expect(r).toEqual({ tookEarly: true, tookLate: false, early: "accepted", late: "ignored" });
    expect(feedbackFor("late-1")).toEqual([["ignored", "derived"]]);
    expect(feedbackFor("early-1")).toEqual([["accepted", "explicit"]]);
    const accepted = h.server.unique.find((e) => e.type === "ml.feedback" && e.subject === "early-1");
    expect(accepted?.data).toMatchObject({ candidateId: "b", position: 1 });
    await page.context().close();
  });

  it("turns open exposures into `ignored` when the page closes, and sends them", async () => {
    const page = await h.open({ flushIntervalMs: 60_000 });
    await page.evaluate(() => {
      const w = window as unknown as PageWindow;
      w.client.trackExposure({ predictionId: "close-x", shown: ["a"], surface: "s", ignoreAfterMs: 60_000 });
      w.client.trackExposure({ predictionId: "close-y", shown: ["a"], surface: "s" }).reject("a");
    });
    await page.close({ runBeforeUnload: true });
    await h.server.waitFor(() => feedbackFor("close-x").length === 1 && feedbackFor("close-y").length === 1);
    expect(feedbackFor("close-x")).toEqual([["ignored", "derived"]]);
    expect(feedbackFor("close-y")).toEqual([["rejected", "explicit"]]);
  });

  it("with the DOM helper, logs the exposure only once the element is on screen, and `ignored` when it scrolls away", async () => {
    const page = await h.open({ flushIntervalMs: 50 }, { path: "/tall.html" });
    const before = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const el = document.getElementById("sugg") as Element;
      w.handles = {
        dom: w.inferlog.trackElementExposure(w.client, el, { predictionId: "dom-1", shown: ["a"], surface: "feed" }),
      };
      await new Promise((r) => setTimeout(r, 300));
      await w.client.flush({ timeoutMs: 5_000 });
      return w.handles.dom?.state;
    });
    expect(before).toBe("open");
    expect(h.server.unique.filter((e) => e.subject === "dom-1")).toEqual([]);
    await page.evaluate(() => document.getElementById("sugg")?.scrollIntoView());
    await h.server.waitFor(() => h.server.unique.some((e) => e.subject === "dom-1" && e.type === "ml.exposure"));
    expect(feedbackFor("dom-1")).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await h.server.waitFor(() => feedbackFor("dom-1").length === 1);
    expect(feedbackFor("dom-1")).toEqual([["ignored", "derived"]]);
    expect(await page.evaluate(() => (window as unknown as PageWindow).handles.dom?.state)).toBe("ignored");
    await page.context().close();
  });
});
