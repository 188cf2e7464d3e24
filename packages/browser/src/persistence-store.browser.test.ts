import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

/**
 * The IndexedDB store itself, read back from the page: each record's byte count equals its events' bytes, records go once their events settle, and replay works without Web Locks.
 */
const h = useHarness();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The SDK's database as stored: events in its records, the records' bytes, and whether each record's
 * byte count equals its events' UTF-8 bytes.
 */
const dump = (page: Page) =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open("inferlog");
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const read = <T>(r: IDBRequest<T>) => new Promise<T>((resolve) => (r.onsuccess = () => resolve(r.result)));
    const all = await read(
      db.transaction("batches").objectStore("batches").getAll() as IDBRequest<
        { bytes: number; events: [string, string, string][] }[]
      >,
    );
    db.close();
    const utf8 = (s: string) => new TextEncoder().encode(s).length;
    return {
      n: all.reduce((a, r) => a + r.events.length, 0),
      sum: all.reduce((a, r) => a + r.bytes, 0),
      exact: all.every((r) => r.bytes === r.events.reduce((a, [, , json]) => a + utf8(json), 0)),
    };
  });
const storage = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).client.stats().storage);
const logTrios = (page: Page, prefix: string, n: number) =>
  page.evaluate(
    ([prefix, n]) => {
      for (let i = 0; i < n; i++) (window as unknown as PageWindow).logTrio(`${prefix}-${i}`);
    },
    [prefix, n] as const,
  );
const flush = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).client.flush({ timeoutMs: 5_000 }));

describe("the IndexedDB store", () => {
  it("stores what was logged before the database opened, keeps the byte total exact, and empties once delivered", async () => {
    h.server.down = true;
    const context = await h.browser.newContext();
    const page = await h.open({ flushIntervalMs: 60_000, early: 4 }, { context });
    expect(await page.evaluate(() => (window as unknown as { earlyStorage: { mode: string } }).earlyStorage.mode)).toBe(
      "starting",
    );
    await logTrios(page, "late", 3);
    await sleep(200);
    expect(await storage(page)).toEqual({
      mode: "indexeddb",
      persisted: 21,
      restored: 0,
      notPersisted: { storage_quota: 0, storage_error: 0 },
    });
    const stored = await dump(page);
    expect(stored.n).toBe(21);
    expect(stored.exact).toBe(true);
    h.server.down = false;
    await flush(page);
    await sleep(200);
    expect(await dump(page)).toEqual({ n: 0, sum: 0, exact: true });
    await context.close();
  });

  it("under its byte cap: refused events are counted once, with one warning, and the total never passes the cap", async () => {
    const context = await h.browser.newContext();
    const page = await h.open({ flushIntervalMs: 60_000, persistence: { maxBytes: 4096 } }, { context });
    await page.evaluate(async () => {
      for (let i = 0; i < 20; i++) {
        (window as unknown as PageWindow).logTrio(`cap-${i}`);
        if (i % 5 === 0) await new Promise((r) => setTimeout(r, 10));
      }
    });
    await sleep(300);
    const s = await storage(page);
    const stored = await dump(page);
    expect(s.persisted + s.notPersisted.storage_quota).toBe(60);
    expect(s.notPersisted.storage_quota).toBeGreaterThan(0);
    expect(stored.n).toBe(s.persisted);
    expect(stored.exact).toBe(true);
    expect(stored.sum).toBeLessThanOrEqual(4096);
    const warnings = await page.evaluate(() => (window as unknown as PageWindow).warnings);
    expect(warnings.filter((w) => w.includes("storage for unsent events is full"))).toHaveLength(1);
    await flush(page);
    await sleep(200);
    expect(h.server.unique).toHaveLength(60);
    expect(await dump(page)).toEqual({ n: 0, sum: 0, exact: true });
    await context.close();
  });

  it("without Web Locks, takes over a closed page's events only once they are 60 s old", async () => {
    const noLocks = () => Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined });
    const context = await h.browser.newContext();
    await context.addInitScript(noLocks);
    h.server.down = true;
    const first = await h.open({ flushIntervalMs: 60_000 }, { context });
    await logTrios(first, "nl", 3);
    await sleep(200);
    await first.close();
    h.server.down = false;
    const next = await h.open({ flushIntervalMs: 60_000 }, { context });
    expect((await storage(next)).restored).toBe(0);
    // A page whose clock reads 61 s later sees them as abandoned.
    const later = await context.newPage();
    await later.addInitScript(() => {
      const now = Date.now;
      Date.now = () => now() + 61_000;
    });
    await later.goto(
      `${h.server.url}/page.html?opts=${encodeURIComponent(JSON.stringify({ flushIntervalMs: 60_000 }))}`,
    );
    await later.waitForFunction(() => "client" in window);
    await later.evaluate(() => (window as unknown as PageWindow).client.ready);
    expect((await storage(later)).restored).toBe(9);
    await flush(later);
    expect(h.server.unique).toHaveLength(9);
    await context.close();
  });

  it("keeps events whose retries ran out on disk, sends them again on `online`, and not after shutdown", async () => {
    h.server.down = true;
    const context = await h.browser.newContext();
    const page = await h.open({ flushIntervalMs: 20, maxAttempts: 1 }, { context });
    await logTrios(page, "pk", 3);
    await sleep(500);
    expect(
      (await page.evaluate(() => (window as unknown as PageWindow).client.stats())).dropped.retries_exhausted,
    ).toBe(9);
    expect((await dump(page)).n).toBe(9);
    h.server.down = false;
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await h.server.waitFor(() => h.server.unique.length === 9, 5_000, "9 parked events");
    await sleep(300);
    expect(await dump(page)).toEqual({ n: 0, sum: 0, exact: true });

    h.server.down = true;
    await logTrios(page, "sd", 2);
    await sleep(300);
    await page.evaluate(() => (window as unknown as PageWindow).client.shutdown({ timeoutMs: 200 }));
    h.server.down = false;
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await sleep(500);
    expect(h.server.unique.filter((e) => JSON.stringify(e).includes("sd-"))).toHaveLength(0);
    expect((await dump(page)).n).toBe(6);
    await context.close();
  });

  it("a delete that fails is tried again, so delivered records do not stay on disk", async () => {
    const context = await h.browser.newContext();
    await context.addInitScript(() => {
      const del = IDBObjectStore.prototype.delete;
      IDBObjectStore.prototype.delete = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
        if ((window as unknown as { failDeletes?: boolean }).failDeletes)
          throw new DOMException("deletes fail for this test", "UnknownError");
        return del.call(this, key);
      };
    });
    const page = await h.open({ flushIntervalMs: 50 }, { context });
    await page.evaluate(() => {
      (window as unknown as { failDeletes: boolean }).failDeletes = true;
    });
    await logTrios(page, "del", 5);
    await sleep(300);
    await flush(page);
    await sleep(300);
    expect(h.server.unique).toHaveLength(15);
    // Delivered, but their records could not be deleted yet.
    expect((await dump(page)).n).toBe(15);
    await page.evaluate(() => {
      (window as unknown as { failDeletes: boolean }).failDeletes = false;
    });
    // Tried again 5 s after the failure.
    for (let waited = 0; waited < 10_000 && (await dump(page)).n > 0; waited += 250) await sleep(250);
    expect(await dump(page)).toEqual({ n: 0, sum: 0, exact: true });
    await context.close();
  });
});
