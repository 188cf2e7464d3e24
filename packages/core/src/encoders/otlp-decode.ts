import { InferlogError } from "../errors.js";
import type { InferlogEvent } from "../schema/events.js";
import { type AnyValue, fromAnyValue, fromKeyValues, type KeyValue } from "./otlp-any-value.js";
import type { OtlpLogsRequest } from "./otlp-json.js";

const isoFromNanos = (n: string | number): string => {
  const s = String(n);
  const ms = s.length > 6 ? Number(s.slice(0, -6)) : 0;
  return new Date(ms).toISOString();
};

/**
 * Reads inferlog events back out of an OTLP/JSON logs request that `createOtlpJsonEncoder`
 * wrote (or that an OpenTelemetry Collector passed on unchanged). Records without
 * `cloudevents.event_id` are not inferlog's and are skipped. The result is not validated:
 * run it through `validateEvent` before trusting it.
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
      for (const r of sl.logRecords ?? []) {
        const a = fromKeyValues((r.attributes ?? []) as KeyValue[]);
        if (typeof a["cloudevents.event_id"] !== "string") continue;
        const e: Record<string, unknown> = {
          specversion: a["cloudevents.event_spec_version"],
          id: a["cloudevents.event_id"],
          source: a["cloudevents.event_source"],
          type: a["cloudevents.event_type"],
          time: typeof a["inferlog.time"] === "string" ? a["inferlog.time"] : isoFromNanos(r.timeUnixNano),
        };
        if (a["cloudevents.event_subject"] !== undefined) e.subject = a["cloudevents.event_subject"];
        if (r.traceId && r.spanId) {
          const flags = (r.flags ?? 0).toString(16).padStart(2, "0");
          e.traceparent = `00-${r.traceId}-${r.spanId}-${flags}`;
        }
        if (a["inferlog.sample_rate"] !== undefined) e.samplerate = a["inferlog.sample_rate"];
        e.data = fromAnyValue(r.body as AnyValue);
        out.push(e as unknown as InferlogEvent);
      }
    }
  }
  return out;
}
