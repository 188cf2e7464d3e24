/**
 * Browser: what IndexedDB persistence costs the page's main thread (issue 23's goal), in Debian's
 * Chromium. Chromium's own count of main-thread task time (CDP `Performance.getMetrics`,
 * TaskDuration) from before the app logs until every event is delivered and its record deleted,
 * per event; and the longest task after a 10,000-event loop (PerformanceObserver `longtask`), which
 * is the SDK's: writes, deletes, delivery. Two ways an app logs: a burst in one loop, and one event
 * per task. Each with `persistence: false` as the reference, rounds interleaved, the median counted.
 */
import type { Page } from "playwright-core";
// The browser package's own test harness: its built bundle, a loopback collector and Chromium.
import { type PageWindow, startHarness } from "../../../../packages/browser/src/test/harness.js";
import { emit, median, type Row } from "../measure.js";

const BURST = 10_000;
const ONE_PER_TASK = 1_000;
const ROUNDS = 3;

const harness = await startHarness();

async function taskSeconds(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  return async () =>
    (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")?.value ?? 0;
}

async function delivered(prefix: string, n: number): Promise<void> {
  await harness.server.waitFor(
    () => harness.server.unique.filter((e) => e.subject?.startsWith(prefix)).length === n,
    60_000,
  );
  // Let the deletes of delivered records run too.
  await new Promise((resolve) => setTimeout(resolve, 500));
}

/**
 * `longestAfterMs` is 0 when no task after the loop reached 50 ms: the Long Tasks API reports only
 * those. It is null when the observer missed the loop's own long task, so a 0 is never an observer
 * that did not work.
 */
async function burst(page: Page): Promise<{ perEventUs: number; longestAfterMs: number | null }> {
  const tasks = await taskSeconds(page);
  const before = await tasks();
  await page.evaluate((n) => {
    const w = window as unknown as PageWindow & { longTasks: PerformanceEntry[]; loopEnd: number; loopMs: number };
    w.longTasks = [];
    new PerformanceObserver((list) => w.longTasks.push(...list.getEntries())).observe({ type: "longtask" });
    const started = performance.now();
    for (let i = 0; i < n; i++) w.client.logPrediction({ predictionId: `mt-${i}`, output: { label: "a" } });
    w.loopEnd = performance.now();
    w.loopMs = w.loopEnd - started;
  }, BURST);
  await delivered("mt-", BURST);
  const perEventUs = (((await tasks()) - before) * 1e6) / BURST;
  const longestAfterMs = await page.evaluate(() => {
    const w = window as unknown as { longTasks: PerformanceEntry[]; loopEnd: number; loopMs: number };
    const sawLoop = w.loopMs < 60 || w.longTasks.some((t) => t.startTime < w.loopEnd);
    return sawLoop ? Math.max(0, ...w.longTasks.filter((t) => t.startTime >= w.loopEnd).map((t) => t.duration)) : null;
  });
  return { perEventUs, longestAfterMs };
}

/** One event per task, each a MessageChannel message (no timer clamping), as an app logs on user actions. */
async function oneEventPerTask(page: Page): Promise<number> {
  const tasks = await taskSeconds(page);
  const before = await tasks();
  await page.evaluate(
    (n: number) =>
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
    ONE_PER_TASK,
  );
  await delivered("pt-", ONE_PER_TASK);
  return (((await tasks()) - before) * 1e6) / ONE_PER_TASK;
}

const modes = [
  { name: "IndexedDB", opts: {} },
  { name: "persistence: false", opts: { persistence: false } },
] as const;
const figures = new Map<string, { burst: number[]; longest: (number | null)[]; perTask: number[] }>();
for (let round = 0; round < ROUNDS; round++)
  for (const mode of modes) {
    const f = figures.get(mode.name) ?? { burst: [], longest: [], perTask: [] };
    figures.set(mode.name, f);
    for (const run of ["burst", "perTask"] as const) {
      const context = await harness.browser.newContext();
      const page = await harness.open(mode.opts, { context });
      harness.server.reset();
      if (run === "burst") {
        const r = await burst(page);
        f.burst.push(r.perEventUs);
        f.longest.push(r.longestAfterMs);
      } else f.perTask.push(await oneEventPerTask(page));
      await context.close();
    }
  }
await harness.close();

const rows: Row[] = [];
for (const mode of modes) {
  const f = figures.get(mode.name);
  if (!f) continue;
  const subject = mode.name === "IndexedDB" ? "inferlog (IndexedDB)" : "persistence: false";
  const reference = mode.name !== "IndexedDB";
  const note = `median of ${ROUNDS} interleaved rounds`;
  rows.push(
    {
      metric: `main-thread task time per event, ${BURST.toLocaleString("en-US")}-event burst`,
      subject,
      value: median(f.burst),
      unit: "µs",
      better: "lower",
      reference,
      note,
    },
    {
      metric: "main-thread task time per event, one event per task",
      subject,
      value: median(f.perTask),
      unit: "µs",
      better: "lower",
      reference,
      note,
    },
    {
      metric: `longest main-thread task after a ${BURST.toLocaleString("en-US")}-event burst`,
      subject,
      value: f.longest.includes(null) ? null : Math.max(...(f.longest as number[])),
      unit: "ms",
      better: "lower",
      reference,
      note: f.longest.includes(null)
        ? "the longtask observer missed the loop itself: not measured"
        : `worst of ${ROUNDS} rounds; 0 = no task of 50 ms or more (the Long Tasks API reports only those)`,
    },
  );
}
emit("browser-main-thread", rows);
