import { writeFileSync } from "node:fs";
import type { InferlogEvent } from "@inferlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnCli } from "../../test/test-child.js";
import { quiet, type Running, rawRequest, startCollector } from "../../test/test-http.js";
import { prediction, storeFixture, T0_MS } from "../../test/test-support.js";
import { computeReport } from "../metrics/compute-report.js";
import { renderReportHtml } from "../report/render-html.js";
import { renderReportText } from "../report/render-text.js";
import { createMonitorRunner } from "./monitor-runner.js";
import { parseMonitorsConfig } from "./rules.js";

const MIN = 60_000;
const config = parseMonitorsConfig({
  intervalSeconds: 60,
  fireAfter: 1,
  rules: [{ id: "desk-silent", kind: "no_events", source: "test-app", minutes: 10 }],
});

describe("alerts over HTTP and in the reports", () => {
  let running: Running;
  beforeEach(async () => {
    running = await startCollector("sqlite");
    const store = running.collector.store;
    await store.insertBatch([{ event: prediction() as unknown as InferlogEvent, receivedMs: T0_MS }]);
    const runner = createMonitorRunner({ store, config, logger: quiet, now: () => T0_MS + 15 * MIN });
    await runner.evaluate();
  });
  afterEach(() => running.stop());

  it("GET /v1/alerts answers the firing monitors and the latest events", async () => {
    const reply = await rawRequest(`${running.url}/v1/alerts`, { method: "GET" });
    expect(reply.status).toBe(200);
    const body = reply.json() as { firing: unknown[]; recent: { status: string; monitorId: string }[] };
    expect(body.firing).toEqual([
      {
        monitorId: "desk-silent",
        scopeKey: "source=test-app",
        since: new Date(T0_MS + 15 * MIN).toISOString(),
        value: 15,
        summary: "last event from test-app 15 min ago (limit 10 min)",
        eventId: body.recent[0] && (body.recent[0] as { id?: string }).id,
      },
    ]);
    expect(body.recent.map((e) => [e.status, e.monitorId])).toEqual([["firing", "desk-silent"]]);
    const bad = await rawRequest(`${running.url}/v1/alerts?limit=0`, { method: "GET" });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ error: "Expected `limit` to be an integer from 1 to 1000, got `0`" });
  });

  it("puts an Alerts section at the top of the text and HTML reports", async () => {
    const report = await computeReport(running.collector.store, { now: T0_MS + 20 * MIN });
    const text = renderReportText(report);
    const lines = text.split("\n");
    expect(lines[2]).toBe("Alerts: 1 firing");
    expect(lines[5]?.trim().split(/\s{2,}/)).toEqual([
      "desk-silent",
      "source=test-app",
      new Date(T0_MS + 15 * MIN).toISOString().slice(0, 16),
      "last event from test-app 15 min ago (limit 10 min)",
    ]);
    expect(text.indexOf("Alerts: 1 firing")).toBeLessThan(text.indexOf("Quality by week"));
    const html = renderReportHtml(report);
    expect(html.indexOf('<section id="alerts"><h2>Alerts: 1 firing</h2>')).toBeGreaterThan(0);
    expect(html.indexOf('<table id="table-alerts">')).toBeLessThan(html.indexOf('<div class="charts">'));
  });
});

describe("inferlog-collector check", () => {
  it("exits 1 while a monitor fires, 0 when none does, and 2 naming the field of a bad config", async () => {
    const fx = storeFixture("sqlite");
    const store = await fx.open();
    await store.insertBatch([{ event: prediction() as unknown as InferlogEvent, receivedMs: T0_MS }]);
    await store.close();
    const file = fx.spec.replace("sqlite:", "").replace("inferlog.db", "collector.json");
    writeFileSync(
      file,
      JSON.stringify({ monitors: { fireAfter: 1, rules: [{ id: "desk-silent", kind: "no_events", minutes: 10 }] } }),
    );
    const at = (ms: number) => new Date(ms).toISOString();
    const quietCheck = await spawnCli(
      ["check", "--store", fx.spec, "--config", file, "--now", at(T0_MS + 5 * MIN)],
      null,
    );
    expect(await quietCheck.exited).toBe(0);
    expect(quietCheck.output()).toContain("1 monitors evaluated, 0 already evaluated for this window, 0 firing");
    const firing = await spawnCli(["check", "--store", fx.spec, "--config", file, "--now", at(T0_MS + 30 * MIN)], null);
    expect(await firing.exited).toBe(1);
    expect(firing.output()).toContain("FIRING desk-silent source=test-app: last event from test-app 30 min ago");
    // The same window again: already evaluated, still firing.
    const again = await spawnCli(["check", "--store", fx.spec, "--config", file, "--now", at(T0_MS + 30 * MIN)], null);
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain("0 monitors evaluated, 1 already evaluated for this window, 1 firing");

    writeFileSync(file, JSON.stringify({ monitors: { rules: [{ id: "x", kind: "label_coverage_below", floor: 2 }] } }));
    const bad = await spawnCli(["check", "--store", fx.spec, "--config", file], null);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain("`monitors.rules[0].floor` is too large: limit 1, got 2");
    await fx.cleanup();
  });
});
