/** Test helper: inferlog's OTLP/JSON request as the OpenTelemetry SDK's records, for the official protobuf writer. */
import type { AnyValue, KeyValue, OtlpLogsRequest } from "@inferlog/core/otlp";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";

/** AnyValue as a plain value, written here rather than taken from core so the test does not trust core's reader. */
function plain(a: AnyValue): unknown {
  if ("stringValue" in a) return a.stringValue;
  if ("boolValue" in a) return a.boolValue;
  if ("intValue" in a) return Number(a.intValue);
  if ("doubleValue" in a) return a.doubleValue;
  if ("arrayValue" in a) return a.arrayValue.values.map(plain);
  if ("kvlistValue" in a) return attributes(a.kvlistValue.values);
  return null;
}
const attributes = (kvs: readonly KeyValue[]) => Object.fromEntries(kvs.map((kv) => [kv.key, plain(kv.value)]));

type ReadableLogRecord = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0][number];

export function asSdkRecords(req: OtlpLogsRequest): ReadableLogRecord[] {
  return req.resourceLogs.flatMap((rl) => {
    const resource = { attributes: attributes(rl.resource.attributes) };
    return rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.map((r) => {
        const ms = Number(BigInt(r.timeUnixNano) / 1_000_000n);
        const hr: [number, number] = [Math.floor(ms / 1000), (ms % 1000) * 1e6];
        return {
          hrTime: hr,
          hrTimeObserved: hr,
          severityNumber: r.severityNumber,
          severityText: r.severityText,
          body: plain(r.body),
          eventName: r.eventName,
          attributes: attributes(r.attributes),
          droppedAttributesCount: r.droppedAttributesCount,
          resource,
          instrumentationScope: { ...sl.scope },
          ...(r.traceId ? { spanContext: { traceId: r.traceId, spanId: r.spanId!, traceFlags: r.flags! } } : {}),
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
