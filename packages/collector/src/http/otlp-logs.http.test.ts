import { gzipSync } from "node:zlib";
import type { InferlogEvent } from "@inferlog/core";
import { createClient, createFetchTransport } from "@inferlog/core";
import { createOtlpJsonEncoder, type OtlpLogsRequest, toOtlpLogsRequest } from "@inferlog/core/otlp";
import { afterEach, describe, expect, it } from "vitest";
import { postBatch, type Running, startCollector } from "../../test/test-http.js";
import { exposure, features, feedback, outcome, prediction, STORE_KINDS } from "../../test/test-support.js";
import { computeReport } from "../metrics/compute-report.js";
import { deserializeProtobufResponse, officialProtobuf } from "./otlp-test-records.js";

const JSON_TYPE = { "content-type": "application/json" };
const PROTOBUF = { "content-type": "application/x-protobuf" };
const NOW = "2026-12-01T00:00:00.000Z";

let running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});
async function start(kind: "sqlite" | "clickhouse", options: Parameters<typeof startCollector>[1] = {}) {
  const c = await startCollector(kind, options);
  running.push(c);
  return c;
}

/** A few predictions with everything that hangs off them, as CloudEvents. */
function traffic(): InferlogEvent[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 6; i++) {
    const p = prediction({ label: i % 2 ? "billing" : "tech", ttl: 60 });
    const id = p.data.predictionId as string;
    out.push(p, exposure(id), feedback(id, i % 3 ? "accepted" : "dismissed"), outcome(id, "billing"));
  }
  out.push(features());
  return out as unknown as InferlogEvent[];
}

async function post(url: string, headers: Record<string, string>, body: Buffer | string) {
  const res = await fetch(`${url}/v1/logs`, { method: "POST", headers, body });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function storedEvents(c: Running, ids: readonly string[]) {
  return Promise.all(ids.map(async (id) => JSON.parse((await c.collector.store.rawEvent(id)) ?? "null")));
}

const withoutGeneratedAt = <T extends { generatedAt: string }>({ generatedAt: _, ...rest }: T) => rest;

describe.each(STORE_KINDS)("POST /v1/logs into %s", (kind) => {
  it("stores what the SDK's OTLP encoder wrote, in protobuf and in JSON, and reports as /v1/events does", async () => {
    const events = traffic();
    const [viaEvents, viaJson, viaProtobuf] = await Promise.all([start(kind), start(kind), start(kind)]);
    expect((await postBatch(viaEvents.endpoint, events)).json()).toEqual({
      accepted: events.length,
      rejected: [],
      duplicates: 0,
    });
    const request = toOtlpLogsRequest(events);
    const asJson = await post(viaJson.url, JSON_TYPE, JSON.stringify(request));
    expect(asJson.status).toBe(200);
    expect(asJson.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(asJson.body.toString())).toEqual({});
    const asProtobuf = await post(
      viaProtobuf.url,
      { ...PROTOBUF, "content-encoding": "gzip" },
      gzipSync(officialProtobuf(request)),
    );
    expect(asProtobuf.status).toBe(200);
    expect(asProtobuf.headers.get("content-type")).toBe("application/x-protobuf");
    expect(asProtobuf.body.length).toBe(0);
    expect(deserializeProtobufResponse(asProtobuf.body)).toEqual({});

    const ids = events.map((e) => e.id);
    const reference = await storedEvents(viaEvents, ids);
    expect(reference).toEqual(events);
    expect(await storedEvents(viaJson, ids)).toEqual(reference);
    expect(await storedEvents(viaProtobuf, ids)).toEqual(reference);
    const report = withoutGeneratedAt(await computeReport(viaEvents.collector.store, { now: NOW }));
    expect(report.quality.length).toBeGreaterThan(0);
    expect(withoutGeneratedAt(await computeReport(viaJson.collector.store, { now: NOW }))).toEqual(report);
    expect(withoutGeneratedAt(await computeReport(viaProtobuf.collector.store, { now: NOW }))).toEqual(report);
  });
});

describe("POST /v1/logs", () => {
  it("takes a real client's batches through the OTLP encoder, plain and gzip JSON", async () => {
    const c = await start("sqlite");
    const client = createClient({
      transport: createFetchTransport({ endpoint: `${c.url}/v1/logs` }),
      source: "support-api",
      model: { name: "ticket-router", version: "v3" },
      encoder: createOtlpJsonEncoder(),
      logger: { warn: () => {} },
      flushAt: 1000,
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { predictionId } = client.logPrediction({ task: "binary", output: { label: "yes", score: 0.8 } });
      client.logOutcome({ predictionId, label: i % 2 ? "yes" : "no" });
      ids.push(predictionId);
    }
    // Before 1970: clamped to 0 in timeUnixNano, the true time kept in `inferlog.time` and stored.
    client.logPrediction({ time: "1969-07-20T20:17:40.000Z", task: "binary", output: { label: "yes" } });
    expect(await client.flush()).toMatchObject({ ok: true, sent: 11, dropped: 0 });
    const counts = await c.collector.store.tableCounts();
    expect(counts).toMatchObject({ events: 11, predictions: 6, outcomes: 5 });
    const rows = await c.collector.store.readRows!("SELECT time_ms FROM predictions ORDER BY time_ms LIMIT 1");
    expect(rows[0]!.time_ms).toBe(Date.parse("1969-07-20T20:17:40.000Z"));

    const more = traffic();
    const gz = await post(
      c.url,
      { ...JSON_TYPE, "content-encoding": "gzip" },
      gzipSync(JSON.stringify(toOtlpLogsRequest(more))),
    );
    expect(gz.status).toBe(200);
    expect((await c.collector.store.tableCounts()).events).toBe(11 + more.length);
  });

  it("answers 200 with partialSuccess naming each refused record, in the request's encoding", async () => {
    const c = await start("sqlite");
    const good = prediction();
    const bad = feedback(good.data.predictionId as string, "loved");
    const request = toOtlpLogsRequest([good, bad] as unknown as InferlogEvent[]);
    // A record from another instrumentation in the same request: not inferlog's.
    request.resourceLogs[0]!.scopeLogs[0]!.logRecords.push({
      ...request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!,
      attributes: [{ key: "http.route", value: { stringValue: "/checkout" } }],
    });
    const asJson = await post(c.url, JSON_TYPE, JSON.stringify(request));
    expect(asJson.status).toBe(200);
    const partial = JSON.parse(asJson.body.toString()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    expect(partial.partialSuccess.rejectedLogRecords).toBe("2");
    expect(partial.partialSuccess.errorMessage).toMatch(/^2 of 3 log records rejected: record 1: .*data\.action/);
    expect(partial.partialSuccess.errorMessage).toContain(
      "record 2: Not an inferlog event: no `cloudevents.event_id` attribute",
    );
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map([[good.id, 1]]));

    // The protobuf answer, read by OpenTelemetry's own response decoder.
    const asProtobuf = await post(c.url, PROTOBUF, officialProtobuf(request));
    expect(asProtobuf.status).toBe(200);
    const decoded = deserializeProtobufResponse(asProtobuf.body) as {
      partialSuccess: { rejectedLogRecords: number | string; errorMessage: string };
    };
    expect(Number(decoded.partialSuccess.rejectedLogRecords)).toBe(2);
    expect(decoded.partialSuccess.errorMessage).toBe(partial.partialSuccess.errorMessage);
    // The resend is a duplicate of the good record: still one copy.
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map([[good.id, 1]]));
  });

  it("stores a record without fields the contract does not know and warns in partialSuccess, rejecting none", async () => {
    const c = await start("sqlite");
    const typo = { ...prediction(), data: { ...prediction().data, output: { lable: "billing" } } };
    const request = toOtlpLogsRequest([prediction(), typo] as unknown as InferlogEvent[]);
    const warning =
      "warning: 1 of 2 log records stored without fields the contract does not know: record 1: `output.lable` is not a field of ml.prediction events (check its spelling): left out, the event stored";
    const asJson = await post(c.url, JSON_TYPE, JSON.stringify(request));
    expect(JSON.parse(asJson.body.toString())).toEqual({
      partialSuccess: { rejectedLogRecords: "0", errorMessage: warning },
    });
    const asProtobuf = deserializeProtobufResponse((await post(c.url, PROTOBUF, officialProtobuf(request))).body) as {
      partialSuccess: { rejectedLogRecords?: number | string; errorMessage: string };
    };
    expect(Number(asProtobuf.partialSuccess.rejectedLogRecords ?? 0)).toBe(0);
    expect(asProtobuf.partialSuccess.errorMessage).toBe(warning);
    expect((await c.collector.store.tableCounts()).predictions).toBe(2);
  });

  it("answers 400 with a google.rpc.Status for a body it cannot decode, 415 for another type", async () => {
    const c = await start("sqlite");
    const valid = officialProtobuf(toOtlpLogsRequest([prediction()] as unknown as InferlogEvent[]));
    const truncated = await post(c.url, PROTOBUF, valid.subarray(0, valid.length - 3));
    expect(truncated.status).toBe(400);
    expect(truncated.headers.get("content-type")).toBe("application/x-protobuf");
    // google.rpc.Status: field 1 code = 3 (INVALID_ARGUMENT), field 2 the message.
    expect([...truncated.body.subarray(0, 2)]).toEqual([0x08, 3]);
    expect(truncated.body.toString("utf8")).toContain("The body is not an OTLP/protobuf logs request: ");

    const notJson = await post(c.url, JSON_TYPE, "{resourceLogs:");
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body.toString())).toMatchObject({
      code: 3,
      message: expect.stringContaining("not valid JSON"),
    });
    const wrongShape = await post(c.url, JSON_TYPE, JSON.stringify({ resourceLogs: [{ scopeLogs: {} }] }));
    expect(JSON.parse(wrongShape.body.toString())).toEqual({
      code: 3,
      message: "Expected an OTLP ExportLogsServiceRequest: `resourceLogs[0].scopeLogs` is not an array",
    });
    const corrupt = await post(c.url, { ...PROTOBUF, "content-encoding": "gzip" }, Buffer.from("not gzip"));
    expect(corrupt.status).toBe(400);

    const text = await post(c.url, { "content-type": "text/plain" }, "hello");
    expect(text.status).toBe(415);
    expect(JSON.parse(text.body.toString())).toEqual({
      code: 3,
      message: "Expected Content-Type application/x-protobuf or application/json (OTLP/HTTP), got `text/plain`",
    });
    // An empty request is a valid, empty export.
    const empty = await post(c.url, PROTOBUF, Buffer.alloc(0));
    expect(empty.status).toBe(200);
    expect((await c.collector.store.tableCounts()).events).toBe(0);
  });

  it("refuses a record that cannot be read (a string that is not UTF-8) and stores the rest", async () => {
    const c = await start("sqlite");
    const [broken, fine] = [prediction(), prediction()];
    const body = officialProtobuf(toOtlpLogsRequest([broken, fine] as unknown as InferlogEvent[]));
    const at = body.indexOf(Buffer.from(broken.id));
    expect(at).toBeGreaterThan(0);
    body[at] = 0xff;
    const r = await post(c.url, PROTOBUF, body);
    expect(r.status).toBe(200);
    const { partialSuccess } = deserializeProtobufResponse(r.body) as {
      partialSuccess: { rejectedLogRecords: number | string; errorMessage: string };
    };
    expect(Number(partialSuccess.rejectedLogRecords)).toBe(1);
    expect(partialSuccess.errorMessage).toMatch(
      /^1 of 2 log records rejected: record 0: Not a readable log record: a string that is not valid UTF-8 at byte \d+$/,
    );
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map([[fine.id, 1]]));
  });

  it("refuses more log records than maxEvents with 413, before storing any", async () => {
    const c = await start("sqlite", { maxEvents: 3 });
    const events = [prediction(), prediction(), prediction(), prediction()] as unknown as InferlogEvent[];
    const r = await post(c.url, PROTOBUF, officialProtobuf(toOtlpLogsRequest(events)));
    expect(r.status).toBe(413);
    expect(r.body.toString()).toContain("The request has 4 log records, over the limit of 3");
    expect((await c.collector.store.tableCounts()).events).toBe(0);
  });

  it("asks for the write key as /v1/events does", async () => {
    const key = "sk_server_0123456789abcdef";
    const c = await start("sqlite", { auth: { keys: [{ key, kind: "server" }] } });
    const body = JSON.stringify(
      toOtlpLogsRequest([prediction()] as unknown as InferlogEvent[]) satisfies OtlpLogsRequest,
    );
    const anonymous = await post(c.url, JSON_TYPE, body);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body.toString())).toEqual({
      code: 16,
      message: "Missing write key: send `Authorization: Bearer <key>` (browser keys may also come as `?key=`)",
    });
    const wrong = await post(
      c.url,
      { ...PROTOBUF, authorization: "Bearer sk_wrong_0123456789abcdef" },
      Buffer.alloc(0),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("content-type")).toBe("application/x-protobuf");
    const keyed = await post(c.url, { ...JSON_TYPE, authorization: `Bearer ${key}` }, body);
    expect(keyed.status).toBe(200);
    expect((await c.collector.store.tableCounts()).events).toBe(1);
  });

  it("answers 503 with Retry-After when the store fails, so the sender retries", async () => {
    const c = await start("sqlite");
    const failing = c.collector.store.insertBatch;
    c.collector.store.insertBatch = () => Promise.reject(new Error("disk I/O error"));
    try {
      const r = await post(
        c.url,
        PROTOBUF,
        officialProtobuf(toOtlpLogsRequest([prediction()] as unknown as InferlogEvent[])),
      );
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("1");
      expect([...r.body.subarray(0, 2)]).toEqual([0x08, 14]);
    } finally {
      c.collector.store.insertBatch = failing;
    }
  });
});
