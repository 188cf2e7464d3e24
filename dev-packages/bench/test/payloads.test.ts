import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInferlog, parseLangfuse, parseOtlpLogs, parsePosthog, parserFor, parseSegment } from "../src/payloads.js";
import { type PeerCollector, startPeerCollector } from "../src/peer-collector.js";

const features = (i: number) => ({ f0: i, f1: "a" });

describe("payload parsers", () => {
  it("reads inferlog CloudEvents batches", () => {
    expect(
      parseInferlog([
        { id: "e1", data: { features: features(7) } },
        { id: "e2", data: {} },
      ]),
    ).toEqual([
      { id: "e1", seq: 7 },
      { id: "e2", seq: undefined },
    ]);
  });
  it("reads posthog batches, flat or nested properties", () => {
    const body = {
      api_key: "k",
      batch: [
        { uuid: "u1", event: "prediction", properties: { features: features(1) } },
        { uuid: "u2", event: "prediction", properties: { f0: 2 } },
      ],
    };
    expect(parsePosthog(body)).toEqual([
      { id: "u1", seq: 1 },
      { id: "u2", seq: 2 },
    ]);
  });
  it("reads segment batches", () => {
    expect(parseSegment({ batch: [{ messageId: "m1", properties: { features: features(3) } }] })).toEqual([
      { id: "m1", seq: 3 },
    ]);
  });
  it("reads OTLP JSON logs, int values as strings or numbers, and has no ids", () => {
    const rec = (v: object) => ({
      attributes: [
        { key: "f1", value: { stringValue: "a" } },
        { key: "f0", value: v },
      ],
    });
    const body = {
      resourceLogs: [
        { scopeLogs: [{ logRecords: [rec({ intValue: "4" }), rec({ intValue: 5 })] }] },
        { scopeLogs: [{ logRecords: [rec({ doubleValue: 6 })] }] },
      ],
    };
    expect(parseOtlpLogs(body)).toEqual([
      { id: undefined, seq: 4 },
      { id: undefined, seq: 5 },
      { id: undefined, seq: 6 },
    ]);
  });
  it("reads langfuse ingestion batches, deduplicating on the body id", () => {
    const body = { batch: [{ id: "ingest-1", type: "trace-create", body: { id: "t1", input: features(8) } }] };
    expect(parseLangfuse(body)).toEqual([{ id: "t1", seq: 8 }]);
  });
  it("routes each SDK path to its parser", () => {
    expect(parserFor("/v1/events")).toBe(parseInferlog);
    expect(parserFor("/batch/")).toBe(parsePosthog);
    expect(parserFor("/i/v0/e/?ip=1")).toBe(parsePosthog);
    expect(parserFor("/v1/batch")).toBe(parseSegment);
    expect(parserFor("/v1/logs")).toBe(parseOtlpLogs);
    expect(parserFor("/api/public/ingestion")).toBe(parseLangfuse);
    expect(parserFor("/flags/")).toBeUndefined();
  });
  it("tolerates garbage", () => {
    expect(parseSegment(null)).toEqual([]);
    expect(parseOtlpLogs({ resourceLogs: "x" })).toEqual([]);
    expect(parseInferlog({})).toEqual([]);
  });
});

describe("peer collector", () => {
  let c: PeerCollector;
  beforeAll(async () => {
    c = await startPeerCollector();
  });
  afterAll(() => c.close());
  const post = (path: string, body: unknown, gzip = false) =>
    fetch(`${c.base}${path}`, {
      method: "POST",
      headers: gzip ? { "content-encoding": "gzip" } : {},
      body: gzip ? gzipSync(JSON.stringify(body)) : JSON.stringify(body),
    });

  it("counts delivered events, wire bytes and both kinds of duplicates", async () => {
    c.reset();
    const batch = [
      { id: "a", data: { features: features(1) } },
      { id: "b", data: { features: features(2) } },
    ];
    expect((await post("/v1/events", batch, true)).status).toBe(200);
    await post("/v1/events", batch); // a retry with the same ids: removable by dedup
    await post("/v1/events", [{ id: "c", data: { features: features(2) } }]); // same event, new id: not removable
    const n = c.counts();
    expect(n).toMatchObject({ received: 5, delivered: 2, duplicatesOnWire: 3, duplicatesAfterDedup: 1, requests: 3 });
    expect(n.wireBytes).toBeGreaterThan(0);
  });

  it("answers 503 in outage mode without counting, and refuses connections when told", async () => {
    c.reset();
    await c.setMode("503");
    expect((await post("/v1/batch", { batch: [{ messageId: "m", properties: { f0: 1 } }] })).status).toBe(503);
    expect(c.counts()).toMatchObject({ received: 0, refused503: 1 });
    await c.setMode("refuse");
    await expect(post("/v1/batch", { batch: [] })).rejects.toThrow();
    await c.setMode("ok");
    const done = c.waitFor(1);
    expect((await post("/v1/batch", { batch: [{ messageId: "m", properties: { f0: 1 } }] })).status).toBe(200);
    await expect(done).resolves.toBeGreaterThan(0);
  });
});
