import type { InferlogEvent } from "@inferlog/core";
import { toOtlpLogsRequest } from "@inferlog/core/otlp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BATCH, postBatch, type Running, rawRequest, startCollector } from "../../test/test-http.js";
import { feedback, prediction } from "../../test/test-support.js";

/** One sample's value from the Prometheus text format; undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? "").split(",").filter(Boolean);
    if (want.length === have.length && want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe("GET /metrics", () => {
  let c: Running;
  beforeEach(async () => {
    c = await startCollector("sqlite");
  });
  afterEach(() => c.stop());

  const scrape = async () => {
    const res = await fetch(`${c.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    return res.text();
  };

  it("counts accepted and rejected events, whole-request rejections, store writes and request times", async () => {
    const before = await scrape();
    expect(sample(before, "inferlog_events_accepted_total", { result: "inserted" })).toBe(0);
    expect(sample(before, "process_cpu_user_seconds_total")).toBeGreaterThan(0);

    const good = [prediction(), prediction(), prediction()];
    const invalid = feedback(good[0]!.data.predictionId as string, "loved");
    expect((await postBatch(c.endpoint, [...good, invalid])).status).toBe(200);
    expect((await postBatch(c.endpoint, [good[0]])).json()).toMatchObject({ duplicates: 1 });
    const wrongType = await rawRequest(c.endpoint, { headers: { "content-type": "text/csv" }, body: "a,b" });
    expect(wrongType.status).toBe(415);
    const notJson = await rawRequest(c.endpoint, { headers: BATCH, body: "[" });
    expect(notJson.status).toBe(400);
    // OTLP: one inferlog record and one that is not.
    const otlp = toOtlpLogsRequest([prediction()] as unknown as InferlogEvent[]);
    const records = otlp.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    records.push({ ...records[0]!, attributes: [] });
    const logs = await fetch(`${c.url}/v1/logs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(otlp),
    });
    expect(logs.status).toBe(200);
    expect((await fetch(`${c.url}/v1/report`)).status).toBe(200);
    expect((await fetch(`${c.url}/wp-login.php`)).status).toBe(404);
    expect((await fetch(c.endpoint, { method: "PUT", body: "[]" })).status).toBe(405);

    const text = await scrape();
    expect(sample(text, "inferlog_events_accepted_total", { result: "inserted" })).toBe(4);
    expect(sample(text, "inferlog_events_accepted_total", { result: "duplicate" })).toBe(1);
    expect(sample(text, "inferlog_events_rejected_total", { route: "/v1/events", reason: "invalid" })).toBe(1);
    expect(sample(text, "inferlog_events_rejected_total", { route: "/v1/logs", reason: "not_inferlog" })).toBe(1);
    expect(sample(text, "inferlog_events_rejected_total", { route: "/v1/logs", reason: "invalid" })).toBeUndefined();
    expect(
      sample(text, "inferlog_requests_rejected_total", { route: "/v1/events", reason: "unsupported_media_type" }),
    ).toBe(1);
    expect(sample(text, "inferlog_requests_rejected_total", { route: "/v1/events", reason: "malformed" })).toBe(1);
    expect(
      sample(text, "inferlog_requests_rejected_total", { route: "/v1/events", reason: "method_not_allowed" }),
    ).toBe(1);
    // Three writes reached the store: 3 events, 1 (the resend), 1 (OTLP).
    expect(sample(text, "inferlog_store_write_events_count")).toBe(3);
    expect(sample(text, "inferlog_store_write_events_sum")).toBe(5);
    expect(sample(text, "inferlog_store_write_events_bucket", { le: "1" })).toBe(2);
    expect(sample(text, "inferlog_store_write_duration_seconds_count", { outcome: "ok" })).toBe(3);
    const posts = { route: "/v1/events", method: "POST" };
    expect(sample(text, "inferlog_http_request_duration_seconds_count", { ...posts, status: "200" })).toBe(2);
    expect(sample(text, "inferlog_http_request_duration_seconds_count", { ...posts, status: "415" })).toBe(1);
    const report = { route: "/v1/report", status: "200" };
    expect(sample(text, "inferlog_http_request_duration_seconds_count", { ...report, method: "GET" })).toBe(1);
    expect(sample(text, "inferlog_report_duration_seconds_count", report)).toBe(1);
    expect(sample(text, "inferlog_report_duration_seconds_sum", report)).toBeGreaterThan(0);
    // Paths outside the collector's routes share one label.
    const other = { route: "other", method: "GET", status: "404" };
    expect(sample(text, "inferlog_http_request_duration_seconds_count", other)).toBe(1);
    expect(text).not.toContain("wp-login");
  });

  it("times failed store writes apart from the rest", async () => {
    // The store under the metrics wrapper fails (set on the wrapped store, which the wrapper calls).
    Object.defineProperty(c.collector.store, "insertBatch", {
      configurable: true,
      value: () => Promise.reject(new Error("disk I/O error")),
    });
    const r = await postBatch(c.endpoint, [prediction()]);
    expect(r.status).toBe(503);
    const text = await scrape();
    expect(sample(text, "inferlog_store_write_duration_seconds_count", { outcome: "error" })).toBe(1);
    expect(sample(text, "inferlog_events_accepted_total", { result: "inserted" })).toBe(0);
    expect(sample(text, "inferlog_requests_rejected_total", { route: "/v1/events", reason: "unavailable" })).toBe(1);
  });

  it("answers 405 to other methods", async () => {
    const res = await fetch(`${c.url}/metrics`, { method: "POST" });
    expect(res.status).toBe(405);
  });
});
