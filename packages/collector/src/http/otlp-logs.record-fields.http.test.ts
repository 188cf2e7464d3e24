import type { InferlogEvent } from "@inferlog/core";
import { toOtlpLogsRequest } from "@inferlog/core/otlp";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Running, startCollector } from "../../test/test-http.js";
import { prediction } from "../../test/test-support.js";
import { asSdkRecords, deserializeProtobufResponse } from "./otlp-test-records.js";

/**
 * Times and trace links of records other senders write: JSON and protobuf must read alike. The
 * protobuf is written by `@opentelemetry/otlp-transformer` from the OpenTelemetry SDK's record shape.
 */

const OBSERVED = "2025-11-20T10:00:05.000Z";
const OBSERVED_NANOS = "1763632805000000000";
const OBSERVED_HR: [number, number] = [1_763_632_805, 0];
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";

type Fields = Record<string, unknown>;
/** One change to a record, spelled for each encoding: the OTLP/JSON record, and the SDK record behind the protobuf. */
interface Change {
  json: (record: Fields) => void;
  protobuf: (record: Fields) => void;
}
/** What became of one record: the stored event's time and trace link, or why it was refused. */
interface Outcome {
  stored: boolean;
  time?: string;
  traceparent?: string;
  rejected: number;
  message: string;
}

let c: Running;
beforeAll(async () => {
  c = await startCollector("sqlite");
});
afterAll(() => c.stop());

async function postJson(change: Change): Promise<Outcome> {
  const event = prediction() as unknown as InferlogEvent;
  const request = toOtlpLogsRequest([event]);
  change.json(request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]! as unknown as Fields);
  const res = await fetch(`${c.url}/v1/logs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  expect(res.status).toBe(200);
  const { partialSuccess } = (await res.json()) as {
    partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
  };
  return outcome(event.id, partialSuccess);
}

async function postProtobuf(change: Change): Promise<Outcome> {
  const event = prediction() as unknown as InferlogEvent;
  const [record] = asSdkRecords(toOtlpLogsRequest([event]));
  change.protobuf(record as unknown as Fields);
  const res = await fetch(`${c.url}/v1/logs`, {
    method: "POST",
    headers: { "content-type": "application/x-protobuf" },
    body: Buffer.from(ProtobufLogsSerializer.serializeRequest([record!])!),
  });
  expect(res.status).toBe(200);
  const { partialSuccess } = deserializeProtobufResponse(Buffer.from(await res.arrayBuffer())) as {
    partialSuccess?: { rejectedLogRecords: number | string; errorMessage: string };
  };
  return outcome(event.id, partialSuccess);
}

async function outcome(
  id: string,
  partialSuccess: { rejectedLogRecords: number | string; errorMessage: string } | undefined,
): Promise<Outcome> {
  const raw = await c.collector.store.rawEvent(id);
  const stored = raw ? (JSON.parse(raw) as { time: string; traceparent?: string }) : undefined;
  return {
    stored: stored !== undefined,
    ...(stored && { time: stored.time }),
    ...(stored?.traceparent && { traceparent: stored.traceparent }),
    rejected: Number(partialSuccess?.rejectedLogRecords ?? 0),
    message: partialSuccess?.errorMessage ?? "",
  };
}

/** The same change sent both ways; the two outcomes must match. */
async function postBoth(change: Change): Promise<Outcome> {
  const asJson = await postJson(change);
  expect(await postProtobuf(change)).toEqual(asJson);
  return asJson;
}

describe("POST /v1/logs record times", () => {
  it("takes observedTimeUnixNano when timeUnixNano is absent (0, unknown), in JSON as in protobuf", async () => {
    const absent = await postBoth({
      // A proto3 JSON writer leaves a zero field out.
      json: (record) => {
        delete record.timeUnixNano;
        record.observedTimeUnixNano = OBSERVED_NANOS;
      },
      protobuf: (record) => Object.assign(record, { hrTime: [0, 0], hrTimeObserved: OBSERVED_HR }),
    });
    expect(absent).toEqual({ stored: true, time: OBSERVED, rejected: 0, message: "" });
    for (const unknown of ["0", null]) {
      const json = await postJson({
        json: (record) => Object.assign(record, { timeUnixNano: unknown, observedTimeUnixNano: OBSERVED_NANOS }),
        protobuf: () => {},
      });
      expect(json).toEqual({ stored: true, time: OBSERVED, rejected: 0, message: "" });
    }
  });

  it("refuses a record with neither time, naming the fields, in JSON as in protobuf", async () => {
    const noTime = await postBoth({
      json: (record) => {
        delete record.timeUnixNano;
        delete record.observedTimeUnixNano;
      },
      protobuf: (record) => Object.assign(record, { hrTime: [0, 0], hrTimeObserved: [0, 0] }),
    });
    expect(noTime).toEqual({
      stored: false,
      rejected: 1,
      message:
        "1 of 1 log records rejected: record 0: Not a readable log record: The record has no time: `timeUnixNano` and `observedTimeUnixNano` are both 0 or absent",
    });
  });

  it("refuses a timeUnixNano that is not an unsigned 64-bit integer instead of storing another time", async () => {
    for (const [value, shown] of [
      ["1763632800000000000.0", '"1763632800000000000.0"'],
      ["-1000000000000", '"-1000000000000"'],
      [1e21, "1e+21"],
    ] as const) {
      const refused = await postJson({ json: (record) => (record.timeUnixNano = value), protobuf: () => {} });
      expect(refused).toEqual({
        stored: false,
        rejected: 1,
        message: `1 of 1 log records rejected: record 0: Not a readable log record: Expected \`timeUnixNano\` to be an unsigned 64-bit count of nanoseconds (decimal digits), got \`${shown}\``,
      });
    }
  });
});

describe("POST /v1/logs trace links", () => {
  it("masks the reserved bits of flags", async () => {
    const masked = await postBoth({
      json: (record) => Object.assign(record, { traceId: TRACE_ID, spanId: SPAN_ID, flags: 0x101 }),
      protobuf: (record) => (record.spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0x101 }),
    });
    expect(masked).toMatchObject({ stored: true, traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, rejected: 0 });
  });

  it("reads upper-case hex ids in JSON", async () => {
    const upper = await postJson({
      json: (record) =>
        Object.assign(record, { traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID.toUpperCase(), flags: 1 }),
      protobuf: () => {},
    });
    expect(upper).toMatchObject({ stored: true, traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, rejected: 0 });
  });

  it("stores the event without a trace link when an id has the wrong length", async () => {
    const short = TRACE_ID.slice(0, 16);
    const unlinked = await postBoth({
      json: (record) => Object.assign(record, { traceId: short, spanId: SPAN_ID, flags: 1 }),
      protobuf: (record) => (record.spanContext = { traceId: short, spanId: SPAN_ID, traceFlags: 1 }),
    });
    expect(unlinked).toEqual({ stored: true, time: "2026-11-20T10:00:00.000Z", rejected: 0, message: "" });
  });
});
