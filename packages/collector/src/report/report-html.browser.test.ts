import { launchChromium } from "@inferlog/test-support/chromium";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { type Running, startCollector } from "../../test/test-http.js";
import type { Report } from "../metrics/types.js";
import { day, dec, pct } from "./format.js";

const NOW = new Date(W1 + 20 * 86_400_000).toISOString();

describe("the HTML report in Chromium", () => {
  let c: Running;
  let browser: Browser;
  beforeAll(async () => {
    c = await startCollector("sqlite");
    await seedMetricsFixture(c.collector.store);
    browser = await launchChromium(); // Debian's Chromium; fails, never skips, when missing
  });
  afterAll(async () => {
    await browser?.close();
    await c?.stop();
  });

  it("renders every chart, and shows the numbers of the JSON report", async () => {
    const json = (await (await fetch(`${c.url}/v1/report?now=${NOW}&minLabels=1`)).json()) as Report;
    const page = await browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${c.url}/report?now=${NOW}&minLabels=1`);

    // Self-contained: the page itself is the only request; nothing failed.
    expect(requests).toEqual([`${c.url}/report?now=${NOW}&minLabels=1`]);
    expect(problems).toEqual([]);

    for (const id of ["chart-accuracy", "chart-model-age", "chart-exposure-age"]) {
      const box = await page.locator(`#${id}`).boundingBox();
      // 720 × 260 plus the 1px border on each side.
      expect(box?.width).toBe(722);
      expect(box?.height).toBe(262);
    }
    // One point per non-null value, placed at the JSON's value.
    const ys = (id: string, series: string) =>
      page
        .locator(`#${id} g[data-series="${series}"] circle`)
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-y"))));
    expect(await ys("chart-accuracy", "router v1 top-1")).toEqual(
      json.quality.filter((q) => q.model === "router").map((q) => q.accuracy),
    );
    expect(await ys("chart-accuracy", "router v1 hit@3")).toEqual(
      json.quality.filter((q) => q.model === "router").map((q) => q.hitAt[2]),
    );
    expect(await ys("chart-model-age", "router v1")).toEqual(
      json.modelAge.filter((a) => a.model === "router").map((a) => a.slidingAccuracy),
    );
    expect(await ys("chart-exposure-age", "router accept")).toEqual(json.exposureAge.map((e) => e.acceptRate));
    // Drift as small multiples: each feature its own chart (and scale), most drifted first.
    const card = page.locator('#drift-cards [data-feature="drifty x"]');
    expect(
      await card
        .locator('g[data-series="PSI"] circle')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-y")))),
    ).toEqual(json.drift.filter((d) => d.model === "drifty" && d.feature === "x").map((d) => d.psi));
    // Both thresholds drawn; on this tall scale (PSI 6.8) the 0.25 label would overprint the 0.1 one and is left out.
    expect(await card.locator("line.rule").count()).toBe(2);
    expect(await card.locator(".rule-label").allTextContents()).toEqual(["0.1"]);
    // Its direction: the reference and week-2 share of each of its ten bins, as bars with their values.
    expect(await card.locator(".bins rect.ref").count()).toBe(10);
    expect(await card.locator(".bins .bin text").first().textContent()).toBe("≤ 1.9");
    expect(await card.locator(".bins .bin").first().locator("text").last().textContent()).toBe("10.0% → 50.0%");
    // Each version's first prediction is a marker on the time chart; legends draw dashed lines dashed.
    expect(await page.locator("#chart-accuracy .marker text").allTextContents()).toContain("router v1");
    expect(
      await page
        .locator('#chart-accuracy g[data-series="router v1 hit@3"] .legend-line')
        .getAttribute("stroke-dasharray"),
    ).toBe("5 4");
    // An empty table says why instead of showing nothing.
    expect(await page.locator("#table-alerts").textContent()).toBe("No monitor is firing.");

    const cells = (id: string) =>
      page
        .locator(`#${id} tbody tr`)
        .evaluateAll((rows) => rows.map((r) => [...r.children].map((td) => td.textContent)));
    expect(await cells("table-quality")).toEqual(
      json.quality.map((q) => [
        q.model,
        q.version,
        day(q.windowStart),
        String(q.volume),
        String(q.labeled),
        pct(q.accuracy),
        ...q.hitAt.map(pct),
        dec(q.mrr),
        dec(q.ndcg),
        pct(q.labelCoverage),
      ]),
    );
    // Every feature in one table, most drifted first, with the major style applied to major rows and cells.
    const driftRows = await cells("table-drift");
    const windows = [...new Set(json.drift.map((x) => x.windowStart))].sort();
    expect(driftRows).toHaveLength(new Set(json.drift.map((x) => `${x.model} ${x.feature}`)).size);
    expect(driftRows[0]).toEqual([
      "drifty",
      "x",
      "numeric",
      ...windows.map((w) => (w === windows[0] ? "0.000" : w === windows[1] ? "6.808" : "")),
      "≤ 1.9: 10.0% → 50.0%",
      "major",
    ]);
    const major = page.locator("#table-drift tbody tr").first();
    expect(await major.getAttribute("class")).toBe("flag-major");
    // The page's own computed style (the collector package has no DOM types: the function is looked up by name).
    const colour = await major
      .locator("td")
      .nth(1)
      .evaluate(
        (td) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(td).color,
      );
    expect(colour).toBe("rgb(185, 28, 28)");
    // Spot values worked out by hand in the metrics tests, as the page shows them.
    expect((await cells("table-quality")).find((r) => r[0] === "router")).toEqual([
      "router",
      "v1",
      "2026-11-16",
      "5",
      "4",
      "25.0%",
      "25.0%",
      "50.0%",
      "75.0%",
      "0.458",
      "0.484",
      "80.0%",
    ]);
    const embedded = JSON.parse((await page.locator("#report-data").textContent()) ?? "null") as Report;
    expect({ ...embedded, generatedAt: "" }).toEqual({ ...json, generatedAt: "" });
    await page.close();
  });
});
