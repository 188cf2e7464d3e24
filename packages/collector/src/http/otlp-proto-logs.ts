import type { AnyValue, KeyValue, OtlpLogRecord } from "@inferlog/core/otlp";
import { ProtoError, ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./otlp-proto-reader.js";

/** Deeper AnyValue nesting than this is refused instead of recursing until the stack runs out. */
const MAX_VALUE_DEPTH = 64;

/** Field numbers and wire types are opentelemetry-proto's (collector/logs/v1, logs/v1, common/v1). */
function expectWire(key: number, want: number, field: string): void {
  if ((key & 7) !== want) throw new ProtoError(`\`${field}\` has wire type ${key & 7}, expected ${want}`);
}

/** Each embedded message in field `field` of `r`; other fields are skipped, as protobuf requires. */
function eachMessage(r: ProtoReader, field: number, name: string, visit: (m: ProtoReader) => void): void {
  while (!r.done) {
    const key = r.key();
    if (key >>> 3 !== field) {
      r.skip(key & 7);
      continue;
    }
    expectWire(key, WIRE_LEN, name);
    visit(r.message());
  }
}

/**
 * The log records of an OTLP/protobuf `ExportLogsServiceRequest`, as readers over each record's
 * bytes. The framing of the whole body is checked here (a truncated or garbled body throws
 * `ProtoError`); each record is decoded later by `readLogRecord`, so a large request can be decoded
 * in slices. Resources and scopes are passed over: an inferlog event travels whole in its record.
 */
export function protobufLogRecords(bytes: Uint8Array): ProtoReader[] {
  const records: ProtoReader[] = [];
  // ExportLogsServiceRequest.resource_logs = 1, ResourceLogs.scope_logs = 2, ScopeLogs.log_records = 2.
  eachMessage(ProtoReader.of(bytes), 1, "resource_logs", (resourceLogs) =>
    eachMessage(resourceLogs, 2, "scope_logs", (scopeLogs) =>
      eachMessage(scopeLogs, 2, "log_records", (record) => records.push(record)),
    ),
  );
  return records;
}

/** One LogRecord in the shape of its OTLP/JSON mapping (int64 as decimal strings, ids in hex), as `decodeOtlpLogs` reads it. */
export function readLogRecord(r: ProtoReader): OtlpLogRecord {
  const record: OtlpLogRecord = {
    timeUnixNano: "0",
    observedTimeUnixNano: "0",
    severityNumber: 0,
    severityText: "",
    body: {},
    eventName: "",
    attributes: [],
    droppedAttributesCount: 0,
  };
  while (!r.done) {
    const key = r.key();
    switch (key >>> 3) {
      case 1:
        expectWire(key, WIRE_FIXED64, "time_unix_nano");
        record.timeUnixNano = r.fixed64().toString();
        break;
      case 11:
        expectWire(key, WIRE_FIXED64, "observed_time_unix_nano");
        record.observedTimeUnixNano = r.fixed64().toString();
        break;
      case 2:
        expectWire(key, WIRE_VARINT, "severity_number");
        record.severityNumber = r.varint();
        break;
      case 3:
        expectWire(key, WIRE_LEN, "severity_text");
        record.severityText = r.string();
        break;
      case 5:
        expectWire(key, WIRE_LEN, "body");
        record.body = readAnyValue(r.message(), 0);
        break;
      case 6:
        expectWire(key, WIRE_LEN, "attributes");
        record.attributes.push(readKeyValue(r.message(), 0));
        break;
      case 7:
        expectWire(key, WIRE_VARINT, "dropped_attributes_count");
        record.droppedAttributesCount = r.varint();
        break;
      case 8:
        expectWire(key, WIRE_FIXED32, "flags");
        record.flags = r.fixed32();
        break;
      case 9: {
        expectWire(key, WIRE_LEN, "trace_id");
        const id = r.hex();
        if (id) record.traceId = id;
        break;
      }
      case 10: {
        expectWire(key, WIRE_LEN, "span_id");
        const id = r.hex();
        if (id) record.spanId = id;
        break;
      }
      case 12:
        expectWire(key, WIRE_LEN, "event_name");
        record.eventName = r.string();
        break;
      default:
        r.skip(key & 7);
    }
  }
  return record;
}

function readKeyValue(r: ProtoReader, depth: number): KeyValue {
  let key = "";
  let value: AnyValue = {};
  while (!r.done) {
    const k = r.key();
    if (k >>> 3 === 1) {
      expectWire(k, WIRE_LEN, "KeyValue.key");
      key = r.string();
    } else if (k >>> 3 === 2) {
      expectWire(k, WIRE_LEN, "KeyValue.value");
      value = readAnyValue(r.message(), depth + 1);
    } else r.skip(k & 7);
  }
  return { key, value };
}

function readAnyValue(r: ProtoReader, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new ProtoError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  // A oneof: the last field present wins, and none present is OTLP's empty value.
  let value: AnyValue | { bytesValue: string } = {};
  while (!r.done) {
    const key = r.key();
    switch (key >>> 3) {
      case 1:
        expectWire(key, WIRE_LEN, "string_value");
        value = { stringValue: r.string() };
        break;
      case 2:
        expectWire(key, WIRE_VARINT, "bool_value");
        value = { boolValue: r.varint() !== 0 };
        break;
      case 3:
        expectWire(key, WIRE_VARINT, "int_value");
        value = { intValue: r.int64().toString() };
        break;
      case 4:
        expectWire(key, WIRE_FIXED64, "double_value");
        value = { doubleValue: r.double() };
        break;
      case 5: {
        // ArrayValue.values = 1
        const values: AnyValue[] = [];
        expectWire(key, WIRE_LEN, "array_value");
        eachMessage(r.message(), 1, "values", (m) => values.push(readAnyValue(m, depth + 1)));
        value = { arrayValue: { values } };
        break;
      }
      case 6: {
        // KeyValueList.values = 1
        const values: KeyValue[] = [];
        expectWire(key, WIRE_LEN, "kvlist_value");
        eachMessage(r.message(), 1, "values", (m) => values.push(readKeyValue(m, depth + 1)));
        value = { kvlistValue: { values } };
        break;
      }
      case 7:
        expectWire(key, WIRE_LEN, "bytes_value");
        // The OTLP/JSON spelling. inferlog's encoder never writes bytes; `decodeOtlpLogs` reads them as null.
        value = { bytesValue: r.base64() };
        break;
      default:
        r.skip(key & 7);
    }
  }
  return value as AnyValue;
}
