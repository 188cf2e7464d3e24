import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CHROMIUM, CHROMIUM_ARGS } from "@inferlog/test-support/chromium";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

/**
 * The back/forward cache: two SDK pages of one origin, A then B, then Back. Chromium must restore A
 * from the cache (CDP reports every reason it did not, as `Page.backForwardCacheNotUsed`), and A's
 * client must go on working: events logged before and after are delivered, and its Web Lock is held
 * again. Pages here are served without `Cache-Control: no-store` (which alone keeps a page out of the
 * cache) by a small server of their own; events go to the harness's collector (another origin, CORS).
 */
const h = useHarness();
let browser: Browser;
let site: Server;
let origin: string;

beforeAll(async () => {
  // Playwright turns the cache off by default; this launch keeps it on.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ["--disable-back-forward-cache"],
  });
  site = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    const file = h.server.files.get(path === "/a.html" || path === "/b.html" ? "/page.html" : path);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r));
});

const ready = async (page: Page) => {
  await page.waitForFunction(() => "client" in window);
  await page.evaluate(() => (window as unknown as PageWindow).client.ready);
};

describe("the back/forward cache", () => {
  it("restores a page with the SDK between two SDK pages of one origin, and its client goes on", async () => {
    const opts = encodeURIComponent(JSON.stringify({ endpoint: `${h.server.url}/v1/events` }));
    const context = await browser.newContext();
    await context.addInitScript(() => {
      addEventListener("pageshow", (e) => {
        if (e.persisted) (window as unknown as { restored: number }).restored = 1;
      });
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Page.enable");
    const notUsed: string[] = [];
    cdp.on("Page.backForwardCacheNotUsed", (e) => {
      for (const r of e.notRestoredExplanations) notUsed.push(`${r.type}: ${r.reason}`);
    });
    await page.goto(`${origin}/a.html?opts=${opts}`);
    await ready(page);
    await page.evaluate(() => (window as unknown as PageWindow).logTrio("bf-before"));
    await page.goto(`${origin}/b.html?opts=${opts}`);
    await ready(page);
    await page.goBack({ waitUntil: "commit" }); // a page restored from the cache fires no `load`
    await page.waitForFunction(() => "client" in window);
    expect(notUsed).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { restored?: number }).restored)).toBe(1);
    // The restored page holds its own lock again (other pages can tell it is alive) and still delivers.
    await page.waitForFunction(async () =>
      ((await navigator.locks.query()).held ?? []).some((l) => l.name?.startsWith("inferlog:page:")),
    );
    const flushed = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      w.logTrio("bf-after");
      return w.client.flush({ timeoutMs: 5_000 });
    });
    expect(flushed.ok).toBe(true);
    await h.server.waitFor(
      () => h.server.unique.filter((e) => e.subject?.startsWith("bf-")).length === 6,
      10_000,
      "the events logged before leaving and after coming back",
    );
    await context.close();
  });
});
