import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { PageWindow } from "./test/harness.js";
import { useHarness } from "./test/use-harness.js";

const h = useHarness();

/** A collector on another origin that refuses this page's origin as a collector without CORS for it would: no CORS headers. */
async function collectorWithoutCors(status: number) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(status, { "content-type": "application/json" }).end('{"error":"origin not allowed"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
  return { url, requests: () => requests, close: () => new Promise((r) => server.close(r)) };
}

describe("a failure that looks like CORS", () => {
  it("is said once through the logger, with the endpoint, the page's origin and a hint", async () => {
    const collector = await collectorWithoutCors(403);
    try {
      const page = await h.open({ endpoint: collector.url, flushIntervalMs: 20, minBackoffMs: 20, maxBackoffMs: 40 });
      const seen = await page.evaluate(async () => {
        const w = window as unknown as PageWindow;
        w.logTrio("cors-refused");
        const until = Date.now() + 10_000;
        while (w.client.stats().retried < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        return { warnings: w.warnings, lastFailure: w.client.stats().lastFailure, origin: location.origin };
      });
      const cors = seen.warnings.filter((m) => m.includes("looks like CORS"));
      expect(cors).toEqual([
        `Could not deliver 3 events to ${collector.url}: fetch threw: Failed to fetch (looks like CORS: is the collector running, and does a browser key allow the origin ${seen.origin}? A wrong key answered without CORS headers looks the same; a dev-server proxy avoids CORS (docs/browser.md, Troubleshooting)); retrying in the background; said once until a delivery succeeds`,
      ]);
      expect(seen.lastFailure).toContain("looks like CORS");
      expect(collector.requests()).toBeGreaterThanOrEqual(1);
    } finally {
      await collector.close();
    }
  });

  it("on the page's own origin (a dev-server proxy) asks whether the collector or the proxy runs instead", async () => {
    const page = await h.open({ endpoint: "/nothing-here/v1/events", flushIntervalMs: 20 });
    h.server.reset();
    const warnings = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      w.logTrio("same-origin");
      await w.client.flush({ timeoutMs: 2_000 });
      return w.warnings;
    });
    // The harness server answers an unknown path with 404: a wrong path, not CORS.
    expect(warnings.filter((m) => m.startsWith("Could not deliver"))).toEqual([
      expect.stringMatching(
        /^Could not deliver 3 events to \/nothing-here\/v1\/events: Collector refused the batch with HTTP 404.*\(wrong path\? The collector takes events at \/v1\/events\)/,
      ),
    ]);
    expect(warnings.some((m) => m.includes("CORS"))).toBe(false);
  });
});
