import { createClient, type InferlogEvent, validateEvent } from "@inferlog/core";
import { decodeOtlpLogs, type OtlpLogsRequest, toOtlpLogsRequest } from "@inferlog/core/otlp";
import { MemoryTransport } from "@inferlog/core/testing";
import { describe, expect, it } from "vitest";
import { protobufLogRecords, readLogRecord } from "./otlp-proto-logs.js";
import { officialProtobuf } from "./otlp-test-records.js";

/** The records of a protobuf body as an OTLP/JSON request, for `decodeOtlpLogs`. */
const decodeOtlpLogsProtobuf = (bytes: Uint8Array): OtlpLogsRequest =>
  ({
    resourceLogs: [{ scopeLogs: [{ logRecords: protobufLogRecords(bytes).map(readLogRecord) }] }],
  }) as OtlpLogsRequest;

const TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** Every event type, a trace context, negative and huge numbers, nulls and nesting, from a real client. */
async function richEvents(): Promise<InferlogEvent[]> {
  const transport = new MemoryTransport();
  const client = createClient({
    transport,
    source: "support-api",
    model: { name: "ticket-router", version: "v3", environment: "prod" },
    logger: { warn: () => {} },
  });
  const { predictionId } = client.logPrediction({
    task: "multiclass",
    traceparent: TRACE,
    time: "2026-11-20T10:00:00.123+02:00",
    output: { label: "billing", score: 0.91, candidates: [{ id: "billing", score: 0.91, rank: 1 }] },
    features: { delta: -42, tiny: -1e-9, big: 1e300, missing: null, langs: ["en", "de"] },
    tags: { region: "eu" },
  });
  client.logExposure({ predictionId, shown: ["billing"], surface: "inbox" });
  client.logFeedback({ predictionId, action: "rated", kind: "explicit", value: -0.5 });
  client.logOutcome({ predictionId, label: "billing", metrics: { refundCents: -1200 } });
  client.logFeatures({ features: { age: 43 }, entityKey: "ek_1" });
  client.logPrediction({ time: "1969-07-20T20:17:40.000Z", task: "binary", output: { label: "yes" } });
  await client.flush();
  return transport.events;
}

describe("OTLP/protobuf logs decoding", () => {
  it("reads what OpenTelemetry's own protobuf serializer writes back into the same events", async () => {
    const events = await richEvents();
    expect(events).toHaveLength(6);
    const decoded = decodeOtlpLogs(decodeOtlpLogsProtobuf(officialProtobuf(toOtlpLogsRequest(events))));
    expect(decoded).toEqual(events);
    for (const e of decoded) expect(validateEvent(e.type, e).ok).toBe(true);
    expect(decoded[0]!.traceparent).toBe(TRACE);
  });

  it("skips fields it does not know and names the fault in a malformed message", () => {
    // resource_logs { unknown field 9 (varint 1), scope_logs { log_records { time_unix_nano fixed64 5e6, unknown 99 } } }
    const record = [0x09, ...[0x40, 0x4b, 0x4c, 0, 0, 0, 0, 0], 0x98, 0x06, 0x01];
    const scopeLogs = [0x12, record.length, ...record];
    const resourceLogs = [0x48, 0x01, 0x12, scopeLogs.length, ...scopeLogs];
    const bytes = Uint8Array.from([0x0a, resourceLogs.length, ...resourceLogs]);
    const request = decodeOtlpLogsProtobuf(bytes);
    expect(request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.timeUnixNano).toBe("5000000");

    expect(() => decodeOtlpLogsProtobuf(bytes.subarray(0, bytes.length - 1))).toThrow("runs past the end");
    expect(() => decodeOtlpLogsProtobuf(Uint8Array.from([0x08, 0x01]))).toThrow(
      "`resource_logs` has wire type 0, expected 2",
    );
    expect(() => decodeOtlpLogsProtobuf(Uint8Array.from([0x0b]))).toThrow("wire type 3");
    expect(() => decodeOtlpLogsProtobuf(Uint8Array.from([0x00]))).toThrow("a field number 0");
  });

  it("refuses values nested past 64 levels instead of exhausting the stack", () => {
    // body = arrayValue { values: arrayValue { ... } } 100 levels deep, built inside out.
    let value: number[] = [];
    for (let i = 0; i < 100; i++) {
      const array = [0x0a, ...varint(value.length), ...value];
      value = [0x2a, ...varint(array.length), ...array];
    }
    const record = [0x2a, ...varint(value.length), ...value];
    const scopeLogs = [0x12, ...varint(record.length), ...record];
    const resourceLogs = [0x12, ...varint(scopeLogs.length), ...scopeLogs];
    const bytes = Uint8Array.from([0x0a, ...varint(resourceLogs.length), ...resourceLogs]);
    expect(() => decodeOtlpLogsProtobuf(bytes)).toThrow("values nested deeper than 64 levels");
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}
