import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { type Running, startCollector } from "../../test/test-http.js";
import { computeReport } from "../metrics/compute-report.js";

const NOW = new Date(W1 + 20 * 86_400_000).toISOString();
const strip = ({ generatedAt: _, ...rest }: Record<string, unknown>) => rest;

describe("GET /v1/report and GET /report", () => {
  let c: Running;
  beforeAll(async () => {
    c = await startCollector("sqlite");
    await seedMetricsFixture(c.collector.store);
  });
  afterAll(async () => c?.stop());

  it("answers the JSON report computed in the store, with the query's options", async () => {
    const res = await fetch(`${c.url}/v1/report?window=day&k=2&now=${NOW}&model=router`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as Record<string, unknown>;
    const direct = await computeReport(c.collector.store, { window: "day", k: 2, now: NOW, model: "router" });
    expect(strip(body)).toEqual(strip(direct as unknown as Record<string, unknown>));
    expect(body.quality).toHaveLength(2);
  });

  it("names the bad parameter and the problem (400)", async () => {
    const cases: [string, string][] = [
      ["k=0", "Expected `k` to be an integer from 1 to 20, got `0`"],
      ["k=two", 'Expected `k` to be a number, got `"two"`'],
      ["window=month", 'Expected `window` to be one of hour, day, week, got `"month"`'],
      ["from=yesterday", 'Expected `from` to be an RFC 3339 time or ms since the epoch, got `"yesterday"`'],
      ["driftFrom=soon", 'Expected `driftFrom` to be an RFC 3339 time or ms since the epoch, got `"soon"`'],
      ["color=red", "Unknown report parameter `color`"],
      ["retrainDrop=2", "Expected `retrainDrop` to be a number between 0 and 1 (exclusive), got `2`"],
      [
        "sections=drift,nope",
        'Expected `sections` to hold only orphans, calibration, drift, feedback, items, business, challengers, recommendations, got `"nope"`',
      ],
    ];
    for (const [query, message] of cases) {
      const res = await fetch(`${c.url}/v1/report?${query}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(message);
    }
    expect((await fetch(`${c.url}/v1/report`, { method: "POST" })).status).toBe(405);
  });

  it("computes only the sections asked for, and the HTML report says which it left out", async () => {
    const res = await fetch(`${c.url}/v1/report?now=${NOW}&sections=drift,%20feedback`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const direct = await computeReport(c.collector.store, { now: NOW, sections: ["drift", "feedback"] });
    expect(strip(body)).toEqual(strip(direct as unknown as Record<string, unknown>));
    expect(body.sections).toEqual(["drift", "feedback"]);
    expect((body.drift as unknown[]).length).toBeGreaterThan(0);
    expect(body.business).toEqual([]);
    const html = await (await fetch(`${c.url}/report?now=${NOW}&sections=drift`)).text();
    expect(html).toContain(
      "Sections not computed (the report's <code>sections</code>): orphans, calibration, feedback, items, business, challengers, recommendations",
    );
    expect(html).toContain('id="table-quality"');
    expect(html).not.toContain('id="table-business"');
    expect(html).toContain('<svg id="chart-accuracy"');
    expect(html).toContain('<svg id="chart-drift-0"');
    expect(html).not.toContain("chart-exposure-age");
    expect(await (await fetch(`${c.url}/report?now=${NOW}`)).text()).not.toContain("sections-left-out");
  });

  it("serves the HTML report with inline SVG charts and no scripts to run", async () => {
    const res = await fetch(`${c.url}/report?now=${NOW}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const html = await res.text();
    for (const id of ["chart-accuracy", "chart-model-age", "chart-exposure-age", "chart-drift-0", "bins-drift-0"]) {
      expect(html).toContain(`<svg id="${id}"`);
    }
    expect(html).not.toMatch(/<script(?! type="application\/json")/);
  });
});
