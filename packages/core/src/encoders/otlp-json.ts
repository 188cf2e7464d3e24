import { ConfigError, checkOption } from "../errors.js";
import type { Encoder } from "../options.js";
import type { InferlogEvent } from "../schema/events.js";
import { MAX_NAME_LENGTH } from "../schema/limits.js";
import { utf8Length } from "../utf8.js";
import { type AnyValue, type KeyValue, toAnyValue, toKeyValues } from "./otlp-any-value.js";
import { eventAttributes, GEN_AI_EVALUATION_EVENT } from "./otlp-attributes.js";

/** Instrumentation scope of every record, so backends can tell inferlog's logs from the app's. */
export const OTLP_SCOPE_NAME = "inferlog";
const SEVERITY_INFO = 9;

export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  eventName: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
}

export interface OtlpLogsRequest {
  resourceLogs: {
    resource: { attributes: KeyValue[]; droppedAttributesCount: number };
    scopeLogs: { scope: { name: string }; logRecords: OtlpLogRecord[] }[];
  }[];
}

export interface OtlpEncoderOptions {
  /** Resource attributes for every batch; `service.name` defaults to the event's `source`. */
  resource?: Record<string, string | number | boolean>;
  /**
   * Models that generate text (LLMs). Their feedback becomes `gen_ai.evaluation.result` records
   * and their predictions carry `gen_ai.response.*`. Predictions with task `generation` always do.
   */
  genAiModels?: readonly string[] | ((modelName: string) => boolean);
}

/**
 * The last millisecond whose nanoseconds fit a signed int64 (2262-04-11T23:47:16.854Z). The field is a
 * fixed64, but the OpenTelemetry Collector and most backends turn it into a signed int64 nanosecond time.
 */
export const OTLP_MAX_TIME_MS = 9_223_372_036_854;

/**
 * Integer milliseconds as nanoseconds in a string (the OTLP/JSON spelling of fixed64), held to
 * [0, OTLP_MAX_TIME_MS]: a negative `timeUnixNano` makes every OTLP parser refuse the whole request.
 */
const nanos = (ms: number): string => {
  const held = Math.min(Math.max(Math.trunc(ms), 0), OTLP_MAX_TIME_MS);
  return held === 0 ? "0" : `${held}000000`;
};

function modelNameOf(entry: InferlogEvent): string | undefined {
  const d = entry.data as { modelName?: string; model?: { name?: string } };
  return d.modelName ?? d.model?.name;
}

/** One event as an OTLP LogRecord: the event's data is the body, its envelope and key fields attributes. */
export function toLogRecord(entry: InferlogEvent, isGenAi: (model: string) => boolean): OtlpLogRecord {
  const model = modelNameOf(entry);
  const genAi = model !== undefined && isGenAi(model);
  const eventName = entry.type === "ml.feedback" && genAi ? GEN_AI_EVALUATION_EVENT : entry.type;
  const ms = Date.parse(entry.time);
  const text = nanos(ms);
  const attributes = eventAttributes(entry, eventName, genAi);
  // timeUnixNano holds milliseconds from 1970 to 2262; a time written another way (an offset,
  // microseconds) or outside that range (clamped in timeUnixNano) rides along verbatim. So does
  // 1970-01-01T00:00:00.000Z itself: a timeUnixNano of 0 means "unknown" to OTLP readers.
  const inRange = ms > 0 && ms <= OTLP_MAX_TIME_MS;
  if (!inRange || new Date(ms).toISOString() !== entry.time) attributes["inferlog.time"] = entry.time;
  const record: OtlpLogRecord = {
    timeUnixNano: text,
    // The client observed the event when it was logged, which is the event's time.
    observedTimeUnixNano: text,
    severityNumber: SEVERITY_INFO,
    severityText: "INFO",
    body: toAnyValue(entry.data),
    eventName,
    attributes: toKeyValues(attributes),
    droppedAttributesCount: 0,
  };
  if (entry.traceparent) {
    const [, traceId, spanId, flags] = entry.traceparent.split("-");
    record.flags = Number.parseInt(flags ?? "0", 16);
    if (traceId) record.traceId = traceId;
    if (spanId) record.spanId = spanId;
  }
  return record;
}

function genAiPredicate(option: OtlpEncoderOptions["genAiModels"]): (model: string) => boolean {
  if (option === undefined) return () => false;
  if (typeof option === "function") return option;
  if (Array.isArray(option) && option.every((match) => typeof match === "string")) {
    const set = new Set(option);
    return (message) => set.has(message);
  }
  throw new ConfigError(
    `Expected \`genAiModels\` to be an array of model names or a function, got \`${JSON.stringify(option)}\``,
  );
}

/** Builds an ExportLogsServiceRequest: one ResourceLogs per `source`, in first-seen order. */
export function toOtlpLogsRequest(events: readonly InferlogEvent[], options: OtlpEncoderOptions = {}): OtlpLogsRequest {
  const isGenAi = genAiPredicate(options.genAiModels);
  const bySource = new Map<string, OtlpLogRecord[]>();
  for (const entry of events) {
    let list = bySource.get(entry.source);
    if (!list) {
      list = [];
      bySource.set(entry.source, list);
    }
    list.push(toLogRecord(entry, isGenAi));
  }
  return {
    resourceLogs: [...bySource].map(([source, logRecords]) => ({
      resource: {
        attributes: toKeyValues({ "service.name": source, ...options.resource }),
        droppedAttributesCount: 0,
      },
      scopeLogs: [{ scope: { name: OTLP_SCOPE_NAME }, logRecords }],
    })),
  };
}

/**
 * OTLP/HTTP logs in JSON (`POST /v1/logs` of any OpenTelemetry Collector). Pass it as the
 * client's `encoder` and point the transport at the collector's `/v1/logs`.
 */
export function createOtlpJsonEncoder(options: OtlpEncoderOptions = {}): Encoder {
  checkOption(options !== null && typeof options === "object", "options", "an object", options);
  const { resource } = options;
  checkOption(
    resource === undefined || (resource !== null && typeof resource === "object"),
    "resource",
    "an object of attribute values",
    resource,
  );
  const isGenAi = genAiPredicate(options.genAiModels); // fail at setup, not at the first send
  // One ResourceLogs wrapper, for a `service.name` as long as a source may be. A batch of events from
  // several sources (a client's `source` is one) has one wrapper per source, which this does not count.
  const wrapper = {
    resource: {
      attributes: toKeyValues({ "service.name": "s".repeat(MAX_NAME_LENGTH), ...resource }),
      droppedAttributesCount: 0,
    },
    scopeLogs: [{ scope: { name: OTLP_SCOPE_NAME }, logRecords: [] }],
  };
  return {
    contentType: "application/json",
    // A record's JSON and its comma: the event becomes a LogRecord whose body spells every value as an AnyValue.
    eventBytes: (json) => utf8Length(JSON.stringify(toLogRecord(JSON.parse(json) as InferlogEvent, isGenAi))) + 1,
    batchBytes: utf8Length(JSON.stringify({ resourceLogs: [wrapper] })),
    encode: (serialized) =>
      JSON.stringify(
        toOtlpLogsRequest(
          serialized.map((text) => JSON.parse(text) as InferlogEvent),
          options,
        ),
      ),
  };
}
