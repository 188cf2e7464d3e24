import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { logPredictions, type PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

/**
 * The SDK's IndexedDB connection closed while the page runs: site data cleared (the browser closes the
 * connection) or the app deleting the database (asked to close by `versionchange`). What the database
 * held and the collector has not acknowledged must still be sent, spilled at close or counted.
 */
const h = useHarness();

/** Retries that do not run out while the collector is down: the events wait in the page. */
const PATIENT = { maxAttempts: 1_000, maxRetryDurationMs: 3_600_000 };

const arrived = (prefix: string) =>
  new Set(h.server.unique.filter((e) => e.subject?.startsWith(prefix)).map((e) => e.subject)).size;

const storage = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).client.stats().storage);

describe("the IndexedDB connection closed under the page", () => {
  it("by clearing the site's data: what it held is kept in memory and spilled at close, and the next visit sends it", async () => {
    const context = await h.browser.newContext();
    h.server.down = true;
    const page = await h.open(PATIENT, { context });
    await logPredictions(page, "held", 300);
    await expect.poll(() => storage(page), { timeout: 10_000 }).toMatchObject({ persisted: 300 });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.clearDataForOrigin", { origin: h.server.url, storageTypes: "indexeddb" });
    await expect.poll(() => storage(page), { timeout: 5_000 }).toMatchObject({ mode: "memory" });
    await logPredictions(page, "after", 100);
    await page.waitForTimeout(300);
    expect(await storage(page)).toEqual({
      mode: "memory",
      persisted: 300,
      restored: 0,
      notPersisted: { storage_quota: 0, storage_error: 300 },
    });
    const warnings = await page.evaluate(() => (window as unknown as PageWindow).warnings);
    expect(warnings.filter((w) => w.includes("IndexedDB was closed"))).toHaveLength(1);
    await page.close({ runBeforeUnload: true });

    h.server.down = false;
    await h.open(PATIENT, { context });
    await h.server.waitFor(() => arrived("held-") === 300 && arrived("after-") === 100, 15_000, "all 400 events");
    await context.close();
  });

  it("by the app deleting the database: the delete is not blocked, and no event is lost", async () => {
    const context = await h.browser.newContext();
    h.server.down = true;
    const page = await h.open(PATIENT, { context });
    await logPredictions(page, "del", 50);
    await expect.poll(() => storage(page), { timeout: 10_000 }).toMatchObject({ persisted: 50 });
    const outcome = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const seen: string[] = [];
          const request = indexedDB.deleteDatabase("inferlog");
          request.onblocked = () => seen.push("blocked");
          request.onsuccess = () => resolve([...seen, "deleted"]);
          setTimeout(() => resolve([...seen, "still waiting"]), 3_000);
        }),
    );
    expect(outcome).toEqual(["deleted"]);
    expect((await storage(page)).mode).toBe("memory");
    await page.close({ runBeforeUnload: true });

    h.server.down = false;
    await h.open(PATIENT, { context });
    await h.server.waitFor(() => arrived("del-") === 50, 15_000, "the 50 events");
    await context.close();
  });
});
