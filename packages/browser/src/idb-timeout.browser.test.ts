import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

/**
 * An `indexedDB.open` that never answers (a known Safari failure), stubbed in the page: the client
 * must not hang. After OPEN_TIMEOUT_MS it runs in memory mode with a warning, `ready` resolves, the
 * events that waited for the database are counted as not persisted, and all of them are delivered.
 */
const h = useHarness();

describe("a hung indexedDB.open", () => {
  it("times out into memory mode with a warning; ready resolves, nothing waits for it for good, every event is sent", async () => {
    const context = await h.browser.newContext();
    await context.addInitScript(() => {
      // A request that never fires success, error, blocked or upgradeneeded.
      IDBFactory.prototype.open = () => ({}) as IDBOpenDBRequest;
    });
    h.server.down = true;
    const page = await context.newPage();
    await page.goto(`${h.server.url}/page.html?opts=${encodeURIComponent(JSON.stringify({ early: 100 }))}`);
    await page.waitForFunction(() => "client" in window);
    const r = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const before = w.client.stats().storage;
      const started = performance.now();
      await w.client.ready;
      return { before, waitedMs: performance.now() - started, after: w.client.stats().storage, warnings: w.warnings };
    });
    // Events queued while the database was opening are not counted as persisted before a write commits.
    expect(r.before).toMatchObject({ mode: "starting", persisted: 0 });
    expect(r.waitedMs).toBeLessThan(10_000);
    expect(r.after).toEqual({
      mode: "memory",
      persisted: 0,
      restored: 0,
      notPersisted: { storage_quota: 0, storage_error: 300 },
    });
    expect(r.warnings.filter((m) => m.includes("IndexedDB did not open within 3000 ms"))).toHaveLength(1);
    h.server.down = false;
    // Batches whose retries ran out while the collector was down wait, in memory, for `online`.
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await h.server.waitFor(() => h.server.unique.length === 300, 10_000, "the 300 events");
    expect(h.server.unique.filter((e) => e.subject?.startsWith("early-"))).toHaveLength(300);
    await context.close();
  });
});
