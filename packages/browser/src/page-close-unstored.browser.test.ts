import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

const h = useHarness();

const subjects = (prefix: string) =>
  h.server.unique
    .map((e) => e.subject ?? "")
    .filter((s) => s.startsWith(prefix))
    .sort();

describe("page close under a full storage cap", () => {
  it("gives the keepalive budget to the events IndexedDB could not take before those already on disk", async () => {
    // The SDK's own storage cap holds four ~7 KB predictions; the next seven are refused (memory only).
    const page = await h.open({ flushIntervalMs: 60_000, flushAt: 1000, persistence: { maxBytes: 33_000 } });
    const before = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      for (let i = 0; i < 4; i++) w.logBig(`disk-${i}`, 8);
      await new Promise((r) => setTimeout(r, 300)); // let the IndexedDB write commit
      for (let i = 0; i < 7; i++) w.logBig(`mem-${i}`, 8);
      await new Promise((r) => setTimeout(r, 100));
      return w.client.stats();
    });
    expect(before.queued).toBe(11);
    expect(before.storage).toMatchObject({ mode: "indexeddb", persisted: 4, notPersisted: { storage_quota: 7 } });
    expect(h.server.requests).toBe(0);
    await page.close({ runBeforeUnload: true });
    // Oldest first (the order within one priority) would have spent the ~60 KB on the four stored ones.
    await h.server.waitFor(() => subjects("mem-").length === 7, 10_000, "the seven events not on disk");
    expect(subjects("mem-")).toEqual(["mem-0", "mem-1", "mem-2", "mem-3", "mem-4", "mem-5", "mem-6"]);
    await new Promise((r) => setTimeout(r, 500)); // whatever else the close sent
    // The budget was binding: not every stored one fitted as well (they wait on disk for the next visit).
    expect(subjects("disk-").length).toBeLessThan(4);
    expect([...h.server.counts().values()].every((n) => n === 1)).toBe(true);
  });
});
