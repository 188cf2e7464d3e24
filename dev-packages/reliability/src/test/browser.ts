/**
 * Real Chromium (Debian's, never downloaded) loading a page that runs `@inferlog/browser`, built from
 * source with esbuild. The page is served from its own loopback origin and sends, cross-origin,
 * through the fault proxy to the real collector, so CORS preflights and keepalive behave as in production.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "@inferlog/test-support/chromium";
import { build } from "esbuild";
import type { Browser, BrowserContext, Page } from "playwright-core";

const APP = `const { build, ...opts } = JSON.parse(new URLSearchParams(location.search).get("opts") || "{}");
const inferlog = await import(build === "development" ? "/inferlog-development.js" : "/inferlog.js");
window.pageErrors = [];
window.client = inferlog.createClient({
  source: "chaos",
  model: { name: "reply-suggester", version: "v1" },
  flushAt: 10,
  flushIntervalMs: 30,
  minBackoffMs: 50,
  maxBackoffMs: 400,
  maxAttempts: 1000,
  requestTimeoutMs: 1500,
  circuitBreaker: { failureThreshold: 5, cooldownMs: 100, maxCooldownMs: 500 },
  logger: { warn: () => {} },
  ...opts,
});
/** One prediction, its exposure and an accept: three events a test can find by prediction id. */
window.logTrio = (predictionId) => {
  client.logPrediction({ predictionId, output: { candidates: [{ id: "a" }, { id: "b" }] } });
  client.logExposure({ predictionId, shown: ["a", "b"], surface: "reply-box" });
  client.logFeedback({ predictionId, action: "accepted", candidateId: "a" });
};`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>chaos</title>
<script type="module" src="/app.js"></script></head><body><p>app</p></body></html>`;

export interface BrowserRig {
  browser: Browser;
  pageUrl: string;
  /** A page in `context` with the client ready, sending to `endpoint` (`opts.build: "development"` for that build). */
  open(context: BrowserContext, endpoint: string, opts?: Record<string, unknown>): Promise<Page>;
  close(): Promise<void>;
}

/** `@inferlog/browser` as a bundler resolves it: the production build, or the development one (`opts.build`). */
const bundle = async (conditions: string[]) => {
  const out = await build({
    stdin: { contents: 'export * from "@inferlog/browser";', resolveDir: dirname(fileURLToPath(import.meta.url)) },
    bundle: true,
    format: "esm",
    target: "es2020",
    platform: "browser",
    conditions,
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0]?.text ?? "";
};

export async function startBrowserRig(): Promise<BrowserRig> {
  const files: Record<string, [string, string]> = {
    "/inferlog.js": ["text/javascript", await bundle(["source"])],
    "/inferlog-development.js": ["text/javascript", await bundle(["source", "development"])],
    "/app.js": ["text/javascript", APP],
    "/page.html": ["text/html", PAGE],
  };
  const server: Server = createServer((req, res) => {
    const f = files[(req.url ?? "/").split("?")[0] ?? "/"];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": f[0], "cache-control": "no-store" }).end(f[1]);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page.html`;
  const browser = await launchChromium(); // fails, never skips, without Debian's Chromium
  return {
    browser,
    pageUrl,
    async open(context, endpoint, opts = {}) {
      const page = await context.newPage();
      await page.goto(`${pageUrl}?opts=${encodeURIComponent(JSON.stringify({ endpoint, ...opts }))}`);
      await page.waitForFunction(() => "client" in window);
      await page.evaluate(() => (window as unknown as ChaosWindow).client.ready);
      return page;
    },
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type ChaosWindow = Window & {
  client: import("@inferlog/browser").BrowserClient;
  logTrio(predictionId: string): void;
};

/** Log trios `from..to-1` with prefix in the page. */
export const logTrios = (page: Page, prefix: string, from: number, to: number) =>
  page.evaluate(
    ([p, a, b]) => {
      for (let i = a; i < b; i++) (window as unknown as ChaosWindow).logTrio(`${p}-${i}`);
    },
    [prefix, from, to] as const,
  );

export const pathOf = (file: string) => join(dirname(fileURLToPath(import.meta.url)), file);
