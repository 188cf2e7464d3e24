import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

const h = useHarness();

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe("persistence and replay", () => {
  it("keeps events logged while the collector is down across a reload and delivers each once it is back", async () => {
    h.server.down = true;
    const context = await h.browser.newContext();
    const page = await h.open({ flushIntervalMs: 50 }, { context });
    await page.evaluate(async () => {
      for (let i = 0; i < 10; i++) (window as unknown as PageWindow).logTrio(`down-${i}`);
      await new Promise((r) => setTimeout(r, 500));
    });
    expect(h.server.requests).toBeGreaterThan(0); // it tried, and got 503s
    expect(h.server.received).toHaveLength(0);
    await page.reload();
    await page.waitForFunction(() => "client" in window);
    const restored = await page.evaluate(async () => {
      await (window as unknown as PageWindow).client.ready;
      return (window as unknown as PageWindow).client.stats().storage.restored;
    });
    expect(restored).toBe(30);
    h.server.down = false;
    await h.server.waitFor(() => h.server.unique.length === 30, 15_000, "30 events");
    await page.evaluate(() => (window as unknown as PageWindow).client.flush({ timeoutMs: 5_000 }));
    const subjects = h.server.unique.filter((e) => e.type === "ml.feedback").map((e) => e.subject);
    expect(subjects.sort()).toEqual(ids("down", 10).sort());
    expect(h.server.unique).toHaveLength(30);
    // Once delivered, nothing is left to replay: a third load sends nothing more.
    await page.reload();
    await page.waitForFunction(() => "client" in window);
    await page.evaluate(async () => {
      await (window as unknown as PageWindow).client.ready;
      await (window as unknown as PageWindow).client.flush({ timeoutMs: 5_000 });
    });
    expect(h.server.unique).toHaveLength(30);
    await context.close();
  });

  it("two tabs logging at once: every event arrives, none twice after dedup", async () => {
    const context = await h.browser.newContext();
    const [a, b] = await Promise.all([
      h.open({ flushIntervalMs: 20 }, { context }),
      h.open({ flushIntervalMs: 20 }, { context }),
    ]);
    await Promise.all(
      [a, b].map((p, t) =>
        p.evaluate(async (tab) => {
          for (let i = 0; i < 40; i++) {
            (window as unknown as PageWindow).logTrio(`tab${tab}-${i}`);
            if (i % 8 === 0) await new Promise((r) => setTimeout(r, 5));
          }
          await (window as unknown as PageWindow).client.flush({ timeoutMs: 10_000 });
        }, t),
      ),
    );
    await h.server.waitFor(() => h.server.unique.length === 240, 10_000, "240 events");
    const feedback = h.server.unique.filter((e) => e.type === "ml.feedback").map((e) => e.subject);
    expect(feedback.sort()).toEqual([...ids("tab0", 40), ...ids("tab1", 40)].sort());
    expect(h.server.unique).toHaveLength(240);
    // Live tabs never replay each other's events, so nothing was even sent twice.
    expect(h.server.received).toHaveLength(240);
    await context.close();
  });

  it("a tab that closes while offline leaves its events to the origin's flusher tab", async () => {
    h.server.down = true;
    const context = await h.browser.newContext();
    const flusher = await h.open({ flushIntervalMs: 50 }, { context });
    const closing = await h.open({ flushIntervalMs: 50 }, { context });
    await closing.evaluate(async () => {
      for (let i = 0; i < 5; i++) (window as unknown as PageWindow).logTrio(`orphan-${i}`);
      await new Promise((r) => setTimeout(r, 300));
    });
    await closing.close({ runBeforeUnload: true });
    // Let the closing tab's own page-close attempt meet the outage, so the handoff is what delivers.
    await new Promise((r) => setTimeout(r, 1_000));
    h.server.down = false;
    // The flusher sweeps for abandoned events every 10 s.
    await h.server.waitFor(() => h.server.unique.length === 15, 20_000, "15 orphaned events");
    expect(
      h.server.unique
        .filter((e) => e.type === "ml.prediction")
        .map((e) => e.subject)
        .sort(),
    ).toEqual(ids("orphan", 5));
    await flusher.evaluate(() => (window as unknown as PageWindow).client.flush({ timeoutMs: 5_000 }));
    expect(h.server.unique).toHaveLength(15);
    expect(await flusher.evaluate(() => (window as unknown as PageWindow).client.stats().storage.restored)).toBe(15);
    await context.close();
  });
});

describe("storage quota", () => {
  it("drops and counts what does not fit the SDK's byte cap; the page's own storage still works", async () => {
    const context = await h.browser.newContext();
    const page = await h.open({ flushIntervalMs: 60_000, persistence: { maxBytes: 4096 } }, { context });
    const r = await page.evaluate(async () => {
      for (let i = 0; i < 20; i++) (window as unknown as PageWindow).logTrio(`q-${i}`);
      await new Promise((r) => setTimeout(r, 300));
      const storage = (window as unknown as PageWindow).client.stats().storage;
      localStorage.setItem("host-key", "x".repeat(100_000));
      const hostIdb = await new Promise<string>((resolve, reject) => {
        const req = indexedDB.open("host-app", 1);
        req.onupgradeneeded = () => req.result.createObjectStore("s");
        req.onsuccess = () => {
          const tx = req.result.transaction("s", "readwrite");
          tx.objectStore("s").put("y".repeat(100_000), "k");
          tx.oncomplete = () => resolve("ok");
          tx.onerror = () => reject(tx.error);
        };
      });
      return {
        storage,
        host: localStorage.getItem("host-key")?.length,
        hostIdb,
        warnings: (window as unknown as PageWindow).warnings,
      };
    });
    expect(r.storage.persisted + r.storage.notPersisted.storage_quota).toBe(60);
    expect(r.storage.notPersisted.storage_quota).toBeGreaterThan(40);
    expect(r.storage.persisted).toBeGreaterThan(0);
    expect(r.host).toBe(100_000);
    expect(r.hostIdb).toBe("ok");
    expect(r.warnings.filter((w) => w.includes("storage for unsent events is full"))).toHaveLength(1);
    // Not stored is not lost while the page lives: everything is still sent.
    await page.evaluate(() => (window as unknown as PageWindow).client.flush({ timeoutMs: 5_000 }));
    expect(h.server.unique).toHaveLength(60);
    await context.close();
  });

  it("without IndexedDB (a private mode that refuses it) keeps events in memory, sends them, and counts none as persisted", async () => {
    const context = await h.browser.newContext();
    await context.addInitScript(() => {
      Object.defineProperty(window, "indexedDB", {
        get() {
          throw new DOMException("IndexedDB is disabled", "InvalidStateError");
        },
      });
    });
    const page = await h.open({ flushIntervalMs: 60_000 }, { context });
    const r = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      for (let i = 0; i < 5; i++) w.logTrio(`mem-${i}`);
      const flushed = await w.client.flush({ timeoutMs: 5_000 });
      return { flushed, storage: w.client.stats().storage, errors: (window as unknown as { errors: string[] }).errors };
    });
    expect(r.flushed).toMatchObject({ ok: true, sent: 15 });
    expect(r.storage).toEqual({
      mode: "memory",
      persisted: 0,
      restored: 0,
      notPersisted: { storage_quota: 0, storage_error: 0 },
    });
    expect(r.errors).toEqual([]);
    expect(h.server.unique).toHaveLength(15);
    await context.close();
  });

  it("handles the browser's own QuotaExceededError without throwing into the page", async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: h.server.url, quotaSize: 1 });
    await page.goto(
      `${h.server.url}/page.html?opts=${encodeURIComponent(JSON.stringify({ flushIntervalMs: 60_000 }))}`,
    );
    await page.waitForFunction(() => "client" in window);
    const r = await page.evaluate(async () => {
      await (window as unknown as PageWindow).client.ready;
      const thrown: string[] = [];
      try {
        for (let i = 0; i < 5; i++) (window as unknown as PageWindow).logTrio(`qe-${i}`);
      } catch (e) {
        thrown.push(String(e));
      }
      await new Promise((r) => setTimeout(r, 300));
      localStorage.setItem("host-key", "still works");
      return {
        thrown,
        storage: (window as unknown as PageWindow).client.stats().storage,
        host: localStorage.getItem("host-key"),
      };
    });
    expect(r.thrown).toEqual([]);
    expect(r.host).toBe("still works");
    // A real QuotaExceededError from Chromium (quota overridden to 1 byte through DevTools).
    expect(r.storage).toMatchObject({ persisted: 0, notPersisted: { storage_quota: 15, storage_error: 0 } });
    await page.evaluate(() => (window as unknown as PageWindow).client.flush({ timeoutMs: 5_000 }));
    expect(h.server.unique).toHaveLength(15);
    await context.close();
  });
});
