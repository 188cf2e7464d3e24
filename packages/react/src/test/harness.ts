import { fileURLToPath } from "node:url";
import { launchChromium } from "@inferlog/test-support/chromium";
import { TestServer } from "@inferlog/test-support/collector-server";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import type { MountProps } from "./app.js";

/** The test app (React, the bindings and @inferlog/browser) bundled by esbuild, a loopback collector, one Chromium. */
export async function startHarness() {
  const out = await build({
    entryPoints: [fileURLToPath(new URL("./app.tsx", import.meta.url))],
    bundle: true,
    format: "esm",
    target: "es2020",
    platform: "browser",
    conditions: ["source"],
    jsx: "automatic",
    // React's development build: StrictMode's double effects only happen there.
    define: { "process.env.NODE_ENV": '"development"' },
    write: false,
    logLevel: "silent",
  });
  const server = new TestServer();
  server.files.set("/app.js", { type: "text/javascript", body: out.outputFiles[0]?.text ?? "" });
  server.files.set("/page.html", {
    type: "text/html",
    body: `<!doctype html><html><head><meta charset="utf-8"><title>t</title>
<script type="module" src="/app.js"></script></head><body><div id="root"></div></body></html>`,
  });
  await server.start();
  // Fails, never skips, without Debian's Chromium: the proof needs a real browser.
  const browser = await launchChromium();
  return new Harness(server, browser);
}

export class Harness {
  constructor(
    readonly server: TestServer,
    private readonly browser: Browser,
  ) {}

  async open(): Promise<Page> {
    const page = await this.browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto(`${this.server.url}/page.html`);
    await page.waitForFunction(() => typeof (window as unknown as { mount?: unknown }).mount === "function");
    return page;
  }

  mount(page: Page, props: MountProps): Promise<void> {
    return page.evaluate((p) => (window as unknown as { mount(p: MountProps): void }).mount(p), props);
  }

  unmount(page: Page): Promise<void> {
    return page.evaluate(() => (window as unknown as { unmount(): void }).unmount());
  }

  flush(page: Page): Promise<unknown> {
    return page.evaluate(() =>
      (window as unknown as { client: { flush(o: { timeoutMs: number }): Promise<unknown> } }).client.flush({
        timeoutMs: 5_000,
      }),
    );
  }

  /** [type, action, kind, candidateId] of the events received for one prediction, in arrival order. */
  eventsFor(predictionId: string): string[][] {
    return this.server.unique
      .filter((e) => e.subject === predictionId)
      .map((e) =>
        e.type === "ml.feedback"
          ? [e.type, String(e.data.action), String(e.data.kind), String(e.data.candidateId ?? "")]
          : [e.type, String(e.data.surface)],
      );
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }
}
