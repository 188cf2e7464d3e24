import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { type PageWindow, useHarness } from "./test/harness.js";

/**
 * The main thread's cost of a 10,000-event burst in one loop, with IndexedDB persistence and without:
 * Chromium's own count of main-thread task time (CDP `Performance.getMetrics`, TaskDuration) from
 * before the loop until every event is delivered and its record deleted, and the longest task after
 * the loop (PerformanceObserver, `longtask`), which is the SDK's: writes, deletes, delivery.
 */
const h = useHarness();
const N = 10_000;
const figures: string[] = [];
afterAll(() => console.log(`main thread, ${N}-event burst:\n${figures.join("\n")}`));

interface Burst {
  perEventUs: number;
  loopMs: number;
  longestAfterMs: number;
  /** Whether the observer saw the loop's own long task (it works) when the loop took over 60 ms. */
  sawLoop: boolean;
}

/** Logs `n` events as the app does: one per task (each a MessageChannel message, so no timer clamping). */
async function oneEventPerTask(page: Page, n: number): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const taskSeconds = async () =>
    (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")?.value ?? 0;
  const before = await taskSeconds();
  await page.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const { client } = window as unknown as PageWindow;
        const channel = new MessageChannel();
        let i = 0;
        channel.port1.onmessage = () => {
          client.logPrediction({ predictionId: `pt-${i}`, output: { label: "a" } });
          if (++i < n) channel.port2.postMessage(0);
          else resolve();
        };
        channel.port2.postMessage(0);
      }),
    n,
  );
  await h.server.waitFor(() => h.server.unique.filter((e) => e.subject?.startsWith("pt-")).length === n, 30_000);
  await page.waitForTimeout(500);
  return (((await taskSeconds()) - before) * 1e6) / n;
}

async function burst(page: Page): Promise<Burst> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const taskSeconds = async () =>
    (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")?.value ?? 0;
  const before = await taskSeconds();
  const { loopMs } = await page.evaluate((n) => {
    const w = window as unknown as PageWindow & { longTasks: PerformanceEntry[]; loopEnd: number };
    w.longTasks = [];
    new PerformanceObserver((list) => w.longTasks.push(...list.getEntries())).observe({ type: "longtask" });
    const started = performance.now();
    for (let i = 0; i < n; i++) w.client.logPrediction({ predictionId: `mt-${i}`, output: { label: "a" } });
    w.loopEnd = performance.now();
    return { loopMs: w.loopEnd - started };
  }, N);
  await h.server.waitFor(() => h.server.unique.filter((e) => e.subject?.startsWith("mt-")).length === N, 30_000);
  // Let the deletes of delivered records run too.
  await page.waitForTimeout(500);
  const after = await taskSeconds();
  const { longestAfterMs, sawLoop } = await page.evaluate(() => {
    const w = window as unknown as { longTasks: PerformanceEntry[]; loopEnd: number };
    return {
      longestAfterMs: Math.max(0, ...w.longTasks.filter((t) => t.startTime >= w.loopEnd).map((t) => t.duration)),
      sawLoop: w.longTasks.some((t) => t.startTime < w.loopEnd),
    };
  });
  return { perEventUs: ((after - before) * 1e6) / N, loopMs, longestAfterMs, sawLoop: sawLoop || loopMs < 60 };
}

/** Rounds per mode, interleaved; each mode's cheapest round counts (the machine is shared, noise only adds). */
const ROUNDS = 3;

describe("main-thread cost", () => {
  it("with IndexedDB: no task after the loop near 50 ms, and per-event cost within 2x of `persistence: false`", async () => {
    const runs: Record<string, Burst[]> = { "persistence: false": [], IndexedDB: [] };
    for (let round = 0; round < ROUNDS; round++)
      for (const persistence of [false, undefined]) {
        const context = await h.browser.newContext();
        const page = await h.open(persistence === false ? { persistence } : {}, { context });
        const name = persistence === false ? "persistence: false" : "IndexedDB";
        h.server.reset();
        const r = await burst(page);
        runs[name]?.push(r);
        figures.push(
          `  ${name}: ${r.perEventUs.toFixed(1)} us of main-thread task time per event (loop ${r.loopMs.toFixed(0)} ms), longest task after the loop ${r.longestAfterMs.toFixed(0)} ms`,
        );
        if (persistence === undefined) {
          const storage = await page.evaluate(() => (window as unknown as PageWindow).client.stats().storage);
          expect(storage).toMatchObject({ mode: "indexeddb", persisted: N });
        }
        expect(r.sawLoop).toBe(true);
        await context.close();
      }
    const cheapest = (name: string) => Math.min(...(runs[name] ?? []).map((r) => r.perEventUs));
    const ratio = cheapest("IndexedDB") / cheapest("persistence: false");
    figures.push(`  per-event ratio, cheapest rounds: ${ratio.toFixed(2)}x`);
    // The target is 50 ms; the bound leaves room for a loaded CI machine.
    expect(Math.min(...(runs.IndexedDB ?? []).map((r) => r.longestAfterMs))).toBeLessThan(100);
    expect(ratio).toBeLessThan(2);
  });

  it("one event per task (1,000 tasks): per-event cost within 2x of `persistence: false`", async () => {
    const costs: Record<string, number[]> = { "persistence: false": [], IndexedDB: [] };
    for (let round = 0; round < ROUNDS; round++)
      for (const persistence of [false, undefined]) {
        const context = await h.browser.newContext();
        const page = await h.open(persistence === false ? { persistence } : {}, { context });
        const name = persistence === false ? "persistence: false" : "IndexedDB";
        h.server.reset();
        const us = await oneEventPerTask(page, 1_000);
        costs[name]?.push(us);
        figures.push(`  one event per task, ${name}: ${us.toFixed(1)} us of main-thread task time per event`);
        await context.close();
      }
    const ratio = Math.min(...(costs.IndexedDB ?? [])) / Math.min(...(costs["persistence: false"] ?? []));
    figures.push(`  one event per task, ratio of the cheapest rounds: ${ratio.toFixed(2)}x`);
    expect(ratio).toBeLessThan(2);
  });
});
