import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";

/** The record type the official serializers take (from @opentelemetry/sdk-logs, a dependency of theirs). */
type ReadableLogRecord = Parameters<typeof JsonLogsSerializer.serializeRequest>[0][number];

import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../client.js";
import { ConfigError } from "../errors.js";
import { createFetchTransport } from "../fetch-transport.js";
import type { InferlogEvent } from "../schema/events.js";
import { validateEvent } from "../validate.js";
import { fromAnyValue, fromKeyValues } from "./otlp-any-value.js";
import { decodeOtlpLogs } from "./otlp-decode.js";
import { createOtlpJsonEncoder, type OtlpLogsRequest } from "./otlp-json.js";

interface Received {
  path: string;
  contentType: string;
  body: string;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A stand-in for an OpenTelemetry Collector's OTLP/HTTP receiver on a loopback port. */
async function otlpReceiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1/logs`, received };
}

const MODEL = {
  name: "ticket-router",
  version: "v3",
  environment: "prod",
  trainedAt: "2026-11-01T00:00:00.000Z",
  dataCutoff: "2026-10-30T00:00:00.000Z",
  deployedAt: "2026-11-02T00:00:00.000Z",
};
const TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** One of each event type with every optional field set, through a real client and a real socket. */
async function sendAll(url: string) {
  const events: InferlogEvent[] = [];
  const client = createClient({
    transport: createFetchTransport({ endpoint: url }),
    source: "support-api",
    model: MODEL,
    encoder: createOtlpJsonEncoder({ genAiModels: ["reply-llm"] }),
    hooks: { onEnqueued: (q) => events.push(...q.map((e) => JSON.parse(e.json) as InferlogEvent)) },
    logger: { warn: () => {} },
  });
  const { predictionId } = client.logPrediction({
    task: "multiclass",
    time: "2026-11-20T10:00:00.123+02:00",
    traceparent: TRACE,
    output: {
      label: "billing",
      score: 0.91,
      probabilities: { billing: 0.91, tech: 0.09 },
      candidates: [
        { id: "billing", label: "Billing", score: 0.91, rank: 1, itemAgeSeconds: 3600 },
        { id: "tech", score: 0.09, rank: 2 },
      ],
      k: 2,
    },
    features: { age: 42, ratio: 0.25, plan: "pro", vip: true, missing: null, langs: ["en", "de"], big: 1e300 },
    tags: { region: "eu" },
    subjectKey: "sk_0123456789abcdef",
    latencyMs: 12.5,
    outcomeTtlSeconds: 86_400,
  });
  client.logExposure({ predictionId, shown: ["billing", "tech"], surface: "inbox", ignoreAfterMs: 30_000 });
  client.logFeedback({ predictionId, action: "accepted", kind: "explicit", candidateId: "billing", position: 0 });
  client.logOutcome({
    predictionId,
    label: "billing",
    relevantIds: ["billing"],
    metrics: { handleTimeSavedS: 40 },
    source: "human",
    revision: 2,
  });
  client.logFeatures({ features: { age: 43 }, entityKey: "ek_1" });
  client.logFeatureProfile({
    windowStart: "2026-11-20T10:00:00.000Z",
    windowEnd: "2026-11-20T11:00:00.000Z",
    columns: {
      age: {
        kind: "numeric",
        count: 3,
        nulls: 0,
        min: 20,
        max: 60,
        sum: 120,
        sketch: { relativeAccuracy: 0.01, positive: { "150": 2, "205": 1 }, negative: {}, zeroCount: 0 },
      },
      plan: { kind: "categorical", count: 3, nulls: 1, topValues: [{ value: "pro", count: 2 }] },
    },
  });
  const llm = client.logPrediction({ model: { name: "reply-llm", version: "2" }, task: "generation", output: {} });
  client.logFeedback({
    predictionId: llm.predictionId,
    modelName: "reply-llm",
    action: "rated",
    kind: "explicit",
    value: -0.5,
  });
  const flushed = await client.flush();
  return { events, flushed };
}

/** Our records as the SDK's ReadableLogRecord, so the official serializer can write them too. */
function asSdkRecords(req: OtlpLogsRequest): ReadableLogRecord[] {
  return req.resourceLogs.flatMap((rl) => {
    const resource = { attributes: fromKeyValues(rl.resource.attributes) };
    return rl.scopeLogs.flatMap((sl) => {
      const instrumentationScope = { ...sl.scope };
      return sl.logRecords.map((r) => {
        const ms = Number(r.timeUnixNano.slice(0, -6));
        const hr: [number, number] = [Math.floor(ms / 1000), (ms % 1000) * 1e6];
        return {
          hrTime: hr,
          hrTimeObserved: hr,
          severityNumber: r.severityNumber,
          severityText: r.severityText,
          body: fromAnyValue(r.body),
          eventName: r.eventName,
          attributes: fromKeyValues(r.attributes),
          droppedAttributesCount: r.droppedAttributesCount,
          resource,
          instrumentationScope,
          ...(r.traceId ? { spanContext: { traceId: r.traceId, spanId: r.spanId!, traceFlags: r.flags! } } : {}),
        } as unknown as ReadableLogRecord;
      });
    });
  });
}

describe("OTLP/HTTP JSON encoder", () => {
  it("posts application/json that the official OTLP serializer writes byte for byte", async () => {
    const { url, received } = await otlpReceiver();
    const { events, flushed } = await sendAll(url);
    expect(flushed).toMatchObject({ ok: true, sent: 8, dropped: 0 });
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe("/v1/logs");
    expect(received[0]!.contentType).toBe("application/json");
    const ours = received[0]!.body;
    const req = JSON.parse(ours) as OtlpLogsRequest;
    expect(req.resourceLogs).toHaveLength(1);
    expect(req.resourceLogs[0]!.scopeLogs[0]!.logRecords).toHaveLength(events.length);

    const official = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(asSdkRecords(req)));
    // One deliberate difference: the official writer puts 1e300 in an int64 (`intValue`), which a
    // collector's protobuf decoding refuses; inferlog sends integers beyond 2^53 as doubles.
    expect(official.split('{"intValue":1e+300}')).toHaveLength(2);
    expect(ours).toBe(official.replace('{"intValue":1e+300}', '{"doubleValue":1e+300}'));
    // The same records also go through the official protobuf writer without loss of a record.
    const proto = ProtobufLogsSerializer.serializeRequest(asSdkRecords(req));
    expect(proto).toBeInstanceOf(Uint8Array);
    expect(proto!.length).toBeGreaterThan(1000);
  });

  it("round-trips every field of every event type, and each decoded event validates", async () => {
    const { url, received } = await otlpReceiver();
    const { events } = await sendAll(url);
    const decoded = decodeOtlpLogs(received[0]!.body);
    expect(decoded).toEqual(events);
    for (const e of decoded) expect(validateEvent(e.type, e).ok).toBe(true);
    // The offset time survives verbatim; the trace context is the record's own.
    expect(decoded[0]!.time).toBe("2026-11-20T10:00:00.123+02:00");
    expect(decoded[0]!.traceparent).toBe(TRACE);
  });

  it("names records by event and follows semantic conventions for LLM feedback", async () => {
    const { url, received } = await otlpReceiver();
    const { events } = await sendAll(url);
    const req = JSON.parse(received[0]!.body) as OtlpLogsRequest;
    const rl = req.resourceLogs[0]!;
    expect(fromKeyValues(rl.resource.attributes)).toEqual({ "service.name": "support-api" });
    expect(rl.scopeLogs[0]!.scope).toEqual({ name: "inferlog" });
    const records = rl.scopeLogs[0]!.logRecords;
    expect(records.map((r) => r.eventName)).toEqual([
      "ml.prediction",
      "ml.exposure",
      "ml.feedback",
      "ml.outcome",
      "ml.features",
      "ml.feature_profile",
      "ml.prediction",
      "gen_ai.evaluation.result",
    ]);
    const p = records[0]!;
    expect(p.timeUnixNano).toBe(`${Date.parse("2026-11-20T08:00:00.123Z")}000000`);
    expect(p).toMatchObject({ severityNumber: 9, severityText: "INFO", flags: 1 });
    expect(p.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(p.spanId).toBe("00f067aa0ba902b7");
    const pa = fromKeyValues(p.attributes);
    expect(pa).toMatchObject({
      "event.name": "ml.prediction",
      "cloudevents.event_id": events[0]!.id,
      "cloudevents.event_source": "support-api",
      "cloudevents.event_spec_version": "1.0",
      "cloudevents.event_type": "ml.prediction",
      "inferlog.model.name": "ticket-router",
      "inferlog.output.label": "billing",
      "inferlog.tags.region": "eu",
    });
    // 1e300 is not an int64: it must travel as a double.
    const body = p.body as { kvlistValue: { values: { key: string; value: unknown }[] } };
    const features = body.kvlistValue.values.find((v) => v.key === "features")!.value as typeof body;
    expect(features.kvlistValue.values.find((v) => v.key === "big")!.value).toEqual({ doubleValue: 1e300 });
    expect(features.kvlistValue.values.find((v) => v.key === "missing")!.value).toEqual({});

    const fa = fromKeyValues(records[7]!.attributes);
    expect(fa).toMatchObject({
      "event.name": "gen_ai.evaluation.result",
      "cloudevents.event_type": "ml.feedback",
      "gen_ai.evaluation.name": "user_feedback",
      "gen_ai.evaluation.score.label": "rated",
      "gen_ai.evaluation.score.value": -0.5,
      "gen_ai.response.id": events[6]!.subject,
    });
    expect(fromKeyValues(records[6]!.attributes)).toMatchObject({ "gen_ai.response.model": "reply-llm" });
    // Feedback on a model not named as generative is plain inferlog feedback.
    expect(fromKeyValues(records[2]!.attributes)["gen_ai.evaluation.name"]).toBeUndefined();
  });

  it("refuses bad options naming the field", () => {
    expect(() => createOtlpJsonEncoder({ genAiModels: "reply-llm" as never })).toThrow(ConfigError);
    expect(() => createOtlpJsonEncoder({ genAiModels: "reply-llm" as never })).toThrow(
      'Expected `genAiModels` to be an array of model names or a function, got `"reply-llm"`',
    );
    expect(() => createOtlpJsonEncoder({ resource: 5 as never })).toThrow(
      "Expected `resource` to be an object of attribute values, got `5`",
    );
    expect(() => createOtlpJsonEncoder(null as never)).toThrow("Expected `options` to be an object, got `null`");
  });

  it("skips records that are not inferlog's and refuses text that is not OTLP", () => {
    const foreign = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: "1", attributes: [] }] }] }] };
    expect(decodeOtlpLogs(JSON.stringify(foreign))).toEqual([]);
    expect(() => decodeOtlpLogs("nope")).toThrow("Expected an OTLP/JSON logs request, got text that is not JSON");
    expect(() => decodeOtlpLogs("{}")).toThrow("Expected an OTLP/JSON logs request with a `resourceLogs` array");
  });
});
