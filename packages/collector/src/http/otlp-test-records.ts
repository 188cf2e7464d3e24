/** Test helper: inferlog's OTLP/JSON request as the OpenTelemetry SDK's records, for the official protobuf writer. */
import type { AnyValue, KeyValue, OtlpLogsRequest } from "@inferlog/core/otlp";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";

/** AnyValue as a plain value, written here rather than taken from core so the test does not trust core's reader. */
function plain(anyValue: AnyValue): unknown {
  if ("stringValue" in anyValue) return anyValue.stringValue;
  if ("boolValue" in anyValue) return anyValue.boolValue;
  if ("intValue" in anyValue) return Number(anyValue.intValue);
  if ("doubleValue" in anyValue) return anyValue.doubleValue;
  if ("arrayValue" in anyValue) return anyValue.arrayValue.values.map(plain);
  if ("kvlistValue" in anyValue) return attributes(anyValue.kvlistValue.values);
  return null;
}
const attributes = (kvs: readonly KeyValue[]) => Object.fromEntries(kvs.map((kv) => [kv.key, plain(kv.value)]));

type ReadableLogRecord = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0][number];

export function asSdkRecords(req: OtlpLogsRequest): ReadableLogRecord[] {
  return req.resourceLogs.flatMap((rl) => {
    const resource = { attributes: attributes(rl.resource.attributes) };
    return rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.map((logRecord) => {
        const ms = Number(BigInt(logRecord.timeUnixNano) / 1_000_000n);
        const hr: [number, number] = [Math.floor(ms / 1000), (ms % 1000) * 1e6];
        return {
          hrTime: hr,
          hrTimeObserved: hr,
          severityNumber: logRecord.severityNumber,
          severityText: logRecord.severityText,
          body: plain(logRecord.body),
          eventName: logRecord.eventName,
          attributes: attributes(logRecord.attributes),
          droppedAttributesCount: logRecord.droppedAttributesCount,
          resource,
          instrumentationScope: { ...sl.scope },
          ...(logRecord.traceId
            ? { spanContext: { traceId: logRecord.traceId, spanId: logRecord.spanId!, traceFlags: logRecord.flags! } }
            : {}),
        } as unknown as ReadableLogRecord;
      }),
    );
  });
}

/** The request as OTLP/protobuf bytes, written by `@opentelemetry/otlp-transformer` (not by inferlog). */
export function officialProtobuf(req: OtlpLogsRequest): Buffer {
  const bytes = ProtobufLogsSerializer.serializeRequest(asSdkRecords(req));
  if (!bytes) throw new Error("The official serializer wrote nothing");
  return Buffer.from(bytes);
}

export const deserializeProtobufResponse = (body: Buffer) =>
  ProtobufLogsSerializer.deserializeResponse(new Uint8Array(body));
