import { fileURLToPath } from "node:url";
import { launchChromium } from "@inferlog/test-support/chromium";
import { TestServer } from "@inferlog/test-support/collector-server";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";

const APP = `import * as inferlog from "/inferlog.js";
const { early = 0, ...opts } = JSON.parse(new URLSearchParams(location.search).get("opts") || "{}");
window.inferlog = inferlog;
window.warnings = [];
window.errors = [];
window.client = inferlog.createClient({
  endpoint: "/v1/events",
  source: "browser-test",
  model: { name: "reply-suggester", version: "v1" },
  minBackoffMs: 50,
  maxBackoffMs: 300,
  logger: { warn: (m) => window.warnings.push(m) },
  onError: (e) => window.errors.push(e.message),
  ...opts,
});
/** One prediction, its exposure and an accept. */
window.logTrio = (predictionId) => {
  client.logPrediction({ predictionId, output: { candidates: [{ id: "a" }, { id: "b" }] } });
  client.logExposure({ predictionId, shown: ["a", "b"], surface: "reply-box" });
  client.logFeedback({ predictionId, action: "accepted", candidateId: "a" });
};
/** \`early\` trios logged as the page starts, before persistence has opened IndexedDB. */
for (let i = 0; i < early; i++) logTrio("early-" + i);
window.earlyStorage = client.stats().storage;
/** A prediction of about \${kb} KB (features make it big), to fill budgets and queues. */
window.logBig = (predictionId, kb) => {
  const features = {};
  for (let i = 0; i < kb * 10; i++) features["f" + i] = "x".repeat(80);
  client.logPrediction({ predictionId, output: { label: "a" }, features });
};`;

const page = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>t</title>
<script type="module" src="/app.js"></script></head><body>${body}</body></html>`;

/** The built bundle, the page and the collector on one loopback server, and one Chromium. */
export async function startHarness(): Promise<Harness> {
  // Fail, never skip: the proof needs a real browser.
  const out = await build({
    entryPoints: [fileURLToPath(new URL("../index.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    target: "es2020",
    platform: "browser",
    conditions: ["source"],
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const server = new TestServer();
  server.files.set("/inferlog.js", { type: "text/javascript", body: out.outputFiles[0]?.text ?? "" });
  server.files.set("/app.js", { type: "text/javascript", body: APP });
  server.files.set("/page.html", { type: "text/html", body: page("<p>app</p>") });
  server.files.set("/other.html", { type: "text/html", body: "<!doctype html><p>elsewhere</p>" });
  server.files.set("/tall.html", {
    type: "text/html",
    body: page(`<div style="height:3000px"></div><div id="sugg" style="height:80px">suggestions</div>
<div style="height:3000px"></div>`),
  });
  // A suggestion panel three times the height of Playwright's 720 px viewport.
  server.files.set("/panel.html", {
    type: "text/html",
    body: page(`<div style="height:1500px"></div><div id="panel" style="height:2400px">suggestions</div>
<div style="height:3000px"></div>`),
  });
  await server.start();
  const browser = await launchChromium();
  return new Harness(server, browser);
}

export class Harness {
  constructor(
    readonly server: TestServer,
    readonly browser: Browser,
  ) {}

  /** A fresh context (its own storage) unless one is given, with the app loaded and ready. */
  async open(
    opts: Record<string, unknown> = {},
    where: { context?: Awaited<ReturnType<Browser["newContext"]>>; path?: string } = {},
  ): Promise<Page> {
    const context = where.context ?? (await this.browser.newContext());
    const p = await context.newPage();
    await p.goto(`${this.server.url}${where.path ?? "/page.html"}?opts=${encodeURIComponent(JSON.stringify(opts))}`);
    await p.waitForFunction(() => "client" in window);
    await p.evaluate(() => (window as unknown as { client: { ready: Promise<void> } }).client.ready);
    return p;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }
}

/** The page's client, typed loosely for page.evaluate callbacks. */
export type PageWindow = Window & {
  client: import("../client.js").BrowserClient;
  inferlog: typeof import("../index.js");
  warnings: string[];
  logTrio(predictionId: string): void;
  logBig(predictionId: string, kb: number): void;
  errors: string[];
  handles: Record<string, import("../exposure.js").ExposureHandle>;
};

/** Logs `n` predictions in the page in one task, with prediction ids `${prefix}-0` to `${prefix}-${n - 1}`. */
export const logPredictions = (page: Page, prefix: string, n: number): Promise<void> =>
  page.evaluate(
    ([prefix, n]) => {
      const { client } = window as unknown as PageWindow;
      for (let i = 0; i < n; i++) client.logPrediction({ predictionId: `${prefix}-${i}`, output: { label: "a" } });
    },
    [prefix, n] as const,
  );
