import { InferlogError } from "../errors.js";
import type { InferlogEvent } from "../schema/events.js";
import { type AnyValue, fromAnyValue, fromKeyValues, type KeyValue } from "./otlp-any-value.js";
import { recordTime } from "./otlp-decode-time.js";
import { traceparentOf } from "./otlp-decode-trace.js";
import type { OtlpLogsRequest } from "./otlp-json.js";

/**
 * Reads inferlog events back out of an OTLP/JSON logs request that `createOtlpJsonEncoder`
 * wrote (or that an OpenTelemetry Collector passed on unchanged). Records without
 * `cloudevents.event_id` are not inferlog's and are skipped. A record whose time cannot be read
 * throws; a record whose trace ids cannot be read is kept without a `traceparent`. The result is
 * not validated: run it through `validateEvent` before trusting it.
 */
export function decodeOtlpLogs(request: string | OtlpLogsRequest): InferlogEvent[] {
  let req: OtlpLogsRequest;
  try {
    req = typeof request === "string" ? (JSON.parse(request) as OtlpLogsRequest) : request;
  } catch (cause) {
    throw new InferlogError("invalid", "Expected an OTLP/JSON logs request, got text that is not JSON", { cause });
  }
  if (!req || !Array.isArray(req.resourceLogs)) {
    throw new InferlogError("invalid", "Expected an OTLP/JSON logs request with a `resourceLogs` array");
  }
  const out: InferlogEvent[] = [];
  for (const rl of req.resourceLogs) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const otlpLogRecord of sl.logRecords ?? []) {
        const left = fromKeyValues((otlpLogRecord.attributes ?? []) as KeyValue[]);
        if (typeof left["cloudevents.event_id"] !== "string") continue;
        const entry: Record<string, unknown> = {
          specversion: left["cloudevents.event_spec_version"],
          id: left["cloudevents.event_id"],
          source: left["cloudevents.event_source"],
          type: left["cloudevents.event_type"],
          time: typeof left["inferlog.time"] === "string" ? left["inferlog.time"] : recordTime(otlpLogRecord),
        };
        if (left["cloudevents.event_subject"] !== undefined) entry.subject = left["cloudevents.event_subject"];
        const traceparent = traceparentOf(otlpLogRecord);
        if (traceparent) entry.traceparent = traceparent;
        if (left["inferlog.sample_rate"] !== undefined) entry.samplerate = left["inferlog.sample_rate"];
        entry.data = fromAnyValue(otlpLogRecord.body as AnyValue);
        out.push(entry as unknown as InferlogEvent);
      }
    }
  }
  return out;
}
