import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { logPredictions, type PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

/**
 * Nothing uncounted at close: a burst of events, the page left 0, 20 or 100 ms later (closed, navigated
 * away, reloaded, or closed while offline), and every id must reach the collector: at close (the
 * keepalive request), or at the next visit of the origin (IndexedDB, or the localStorage spill for
 * what no committed write held). Counted by id at a real collector on loopback.
 */
const h = useHarness();

type Leave = "close" | "navigation" | "reload" | "offline close";
const BURSTS = [50, 500, 2_000];
const DELAYS = [0, 20, 100];
const LEAVES: Leave[] = ["close", "navigation", "reload", "offline close"];

/** How many of each burst arrived at close (before the next visit), for the report below. */
const atClose: string[] = [];
afterAll(() => {
  console.log(`arrived at close, before the next visit (the rest came from disk):\n${atClose.join("\n")}`);
});

const arrived = (prefix: string) =>
  new Set(h.server.unique.map((e) => e.subject).filter((s) => s?.startsWith(`${prefix}-`)));

describe("a burst, then the page is left", () => {
  for (const leave of LEAVES)
    for (const n of BURSTS)
      it(`${leave}: ${n} events, left at 0, 20 and 100 ms (three pages of one origin at once): every id arrives`, async () => {
        const context = await h.browser.newContext();
        const pages = await Promise.all(DELAYS.map(() => h.open({}, { context })));
        const prefixOf = (delay: number) => `${leave.replace(" ", "")}-${n}-${delay}`;
        if (leave === "offline close") await context.setOffline(true);
        await Promise.all(
          DELAYS.map(async (delay, k) => {
            const page = pages[k] as Page;
            await logPredictions(page, prefixOf(delay), n);
            if (delay) await page.waitForTimeout(delay);
            if (leave === "close" || leave === "offline close") await page.close();
            else if (leave === "navigation") await page.goto(`${h.server.url}/other.html`);
            else await page.reload();
          }),
        );
        // Give the close-time requests a moment to land before counting what they carried.
        await new Promise((r) => setTimeout(r, 150));
        for (const delay of DELAYS)
          atClose.push(`  ${leave}, ${n} events at ${delay} ms: ${arrived(prefixOf(delay)).size}`);
        if (leave === "offline close") await context.setOffline(false);
        // The next visit of the origin (after a reload, the reloaded pages themselves).
        if (leave === "reload")
          for (const page of pages) {
            await page.waitForFunction(() => "client" in window);
            await page.evaluate(() => (window as unknown as PageWindow).client.ready);
          }
        else await h.open({}, { context });
        for (const delay of DELAYS) {
          const prefix = prefixOf(delay);
          await h.server.waitFor(() => arrived(prefix).size === n, 30_000, `${n} events of ${prefix}`);
          expect([...arrived(prefix)].sort()).toEqual(Array.from({ length: n }, (_, i) => `${prefix}-${i}`).sort());
        }
        await context.close();
      });
});

describe("the localStorage spill", () => {
  it("holds what no committed write holds at close (IndexedDB too slow to commit), and the next visit moves it to IndexedDB and sends it", async () => {
    const context = await h.browser.newContext();
    // A disk that never finishes: every write transaction of the SDK's store stays busy, so nothing commits.
    await context.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
        const request = put.apply(this, args);
        if ((window as unknown as { slowDisk?: boolean }).slowDisk && this.name === "batches") {
          const spin = () => {
            this.get("none").onsuccess = spin;
          };
          spin();
        }
        return request;
      };
      IDBTransaction.prototype.commit = () => {};
    });
    h.server.down = true; // nothing leaves at close either
    const page = await h.open({}, { context });
    await page.evaluate(() => {
      (window as unknown as { slowDisk: boolean }).slowDisk = true;
    });
    await logPredictions(page, "spill", 300);
    await page.waitForTimeout(100);
    expect((await page.evaluate(() => (window as unknown as PageWindow).client.stats())).storage.persisted).toBe(0);
    await page.close();
    const spilled = await context.newPage();
    await spilled.goto(`${h.server.url}/other.html`);
    const keys = await spilled.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("inferlog:spill:")));
    expect(keys).toHaveLength(1);
    h.server.down = false;
    const next = await h.open({}, { context });
    await h.server.waitFor(() => arrived("spill").size === 300, 15_000, "300 spilled events");
    expect(await next.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("inferlog:spill:")))).toEqual(
      [],
    );
    expect((await next.evaluate(() => (window as unknown as PageWindow).client.stats())).storage.restored).toBe(300);
    await context.close();
  });

  it("under a full quota, events IndexedDB refused are not lost at close: the spill carries them, and a page that cannot move them to IndexedDB says so and sends them", async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: h.server.url, quotaSize: 1 });
    h.server.down = true;
    await page.goto(`${h.server.url}/page.html`);
    await page.waitForFunction(() => "client" in window);
    await page.evaluate(() => (window as unknown as PageWindow).client.ready);
    await logPredictions(page, "quota", 100);
    // IndexedDB refuses each write in its own time (slower on a loaded machine): wait for all 100 to be told.
    await expect
      .poll(() => page.evaluate(() => (window as unknown as PageWindow).client.stats().storage), { timeout: 10_000 })
      .toMatchObject({ persisted: 0, notPersisted: { storage_quota: 100 } });
    await page.close();
    h.server.down = false;
    // The next visit, still under the 1-byte quota (the override goes with its DevTools session).
    const next = await context.newPage();
    await (await context.newCDPSession(next)).send("Storage.overrideQuotaForOrigin", {
      origin: h.server.url,
      quotaSize: 1,
    });
    await next.goto(`${h.server.url}/page.html`);
    await next.waitForFunction(() => "client" in window);
    await h.server.waitFor(() => arrived("quota").size === 100, 15_000, "the 100 events IndexedDB refused");
    // The refused IndexedDB write is told in its own time, which may come after the events went out.
    const moveWarnings = () =>
      next.evaluate(() =>
        (window as unknown as PageWindow).warnings.filter((w) => w.includes("could not move a closed page's events")),
      );
    await expect.poll(moveWarnings, { timeout: 5_000 }).toHaveLength(1);
    await context.close();
  });

  it("without IndexedDB (refused, as in some private modes), the spill still carries what a closing page leaves, and the next page sends it", async () => {
    const context = await h.browser.newContext();
    await context.addInitScript(() => {
      Object.defineProperty(window, "indexedDB", {
        get() {
          throw new DOMException("IndexedDB is disabled", "InvalidStateError");
        },
      });
    });
    h.server.down = true;
    const page = await h.open({}, { context });
    expect((await page.evaluate(() => (window as unknown as PageWindow).client.stats())).storage.mode).toBe("memory");
    await logPredictions(page, "nodb", 200);
    await page.close();
    h.server.down = false;
    const next = await h.open({}, { context });
    await h.server.waitFor(() => arrived("nodb").size === 200, 15_000, "the 200 events of the page without IndexedDB");
    expect(await next.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("inferlog:spill:")))).toEqual(
      [],
    );
    await context.close();
  });
});
