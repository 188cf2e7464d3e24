import type { AnyValue, KeyValue, OtlpLogRecord } from "@inferlog/core/otlp";
import { ProtoError, ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./otlp-proto-reader.js";

/** Deeper AnyValue nesting than this is refused instead of recursing until the stack runs out. */
const MAX_VALUE_DEPTH = 64;

/** Field numbers and wire types are opentelemetry-proto's (collector/logs/v1, logs/v1, common/v1). */
function expectWire(key: number, want: number, field: string): void {
  if ((key & 7) !== want) throw new ProtoError(`\`${field}\` has wire type ${key & 7}, expected ${want}`);
}

/** Each embedded message in field `field` of `r`; other fields are skipped, as protobuf requires. */
function eachMessage(
  protoReader: ProtoReader,
  field: number,
  name: string,
  visit: (protoReader: ProtoReader) => void,
): void {
  while (!protoReader.done) {
    const key = protoReader.key();
    if (key >>> 3 !== field) {
      protoReader.skip(key & 7);
      continue;
    }
    expectWire(key, WIRE_LEN, name);
    visit(protoReader.message());
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
export function readLogRecord(protoReader: ProtoReader): OtlpLogRecord {
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
  while (!protoReader.done) {
    const key = protoReader.key();
    switch (key >>> 3) {
      case 1:
        expectWire(key, WIRE_FIXED64, "time_unix_nano");
        record.timeUnixNano = protoReader.fixed64().toString();
        break;
      case 11:
        expectWire(key, WIRE_FIXED64, "observed_time_unix_nano");
        record.observedTimeUnixNano = protoReader.fixed64().toString();
        break;
      case 2:
        expectWire(key, WIRE_VARINT, "severity_number");
        record.severityNumber = protoReader.varint();
        break;
      case 3:
        expectWire(key, WIRE_LEN, "severity_text");
        record.severityText = protoReader.string();
        break;
      case 5:
        expectWire(key, WIRE_LEN, "body");
        record.body = readAnyValue(protoReader.message(), 0);
        break;
      case 6:
        expectWire(key, WIRE_LEN, "attributes");
        record.attributes.push(readKeyValue(protoReader.message(), 0));
        break;
      case 7:
        expectWire(key, WIRE_VARINT, "dropped_attributes_count");
        record.droppedAttributesCount = protoReader.varint();
        break;
      case 8:
        expectWire(key, WIRE_FIXED32, "flags");
        record.flags = protoReader.fixed32();
        break;
      case 9: {
        expectWire(key, WIRE_LEN, "trace_id");
        const id = protoReader.hex();
        if (id) record.traceId = id;
        break;
      }
      case 10: {
        expectWire(key, WIRE_LEN, "span_id");
        const id = protoReader.hex();
        if (id) record.spanId = id;
        break;
      }
      case 12:
        expectWire(key, WIRE_LEN, "event_name");
        record.eventName = protoReader.string();
        break;
      default:
        protoReader.skip(key & 7);
    }
  }
  return record;
}

function readKeyValue(protoReader: ProtoReader, depth: number): KeyValue {
  let key = "";
  let value: AnyValue = {};
  while (!protoReader.done) {
    const index = protoReader.key();
    if (index >>> 3 === 1) {
      expectWire(index, WIRE_LEN, "KeyValue.key");
      key = protoReader.string();
    } else if (index >>> 3 === 2) {
      expectWire(index, WIRE_LEN, "KeyValue.value");
      value = readAnyValue(protoReader.message(), depth + 1);
    } else protoReader.skip(index & 7);
  }
  return { key, value };
}

function readAnyValue(protoReader: ProtoReader, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new ProtoError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  // A oneof: the last field present wins, and none present is OTLP's empty value.
  let value: AnyValue | { bytesValue: string } = {};
  while (!protoReader.done) {
    const key = protoReader.key();
    switch (key >>> 3) {
      case 1:
        expectWire(key, WIRE_LEN, "string_value");
        value = { stringValue: protoReader.string() };
        break;
      case 2:
        expectWire(key, WIRE_VARINT, "bool_value");
        value = { boolValue: protoReader.varint() !== 0 };
        break;
      case 3:
        expectWire(key, WIRE_VARINT, "int_value");
        value = { intValue: protoReader.int64().toString() };
        break;
      case 4:
        expectWire(key, WIRE_FIXED64, "double_value");
        value = { doubleValue: protoReader.double() };
        break;
      case 5: {
        // ArrayValue.values = 1
        const values: AnyValue[] = [];
        expectWire(key, WIRE_LEN, "array_value");
        eachMessage(protoReader.message(), 1, "values", (protoReader) =>
          values.push(readAnyValue(protoReader, depth + 1)),
        );
        value = { arrayValue: { values } };
        break;
      }
      case 6: {
        // KeyValueList.values = 1
        const values: KeyValue[] = [];
        expectWire(key, WIRE_LEN, "kvlist_value");
        eachMessage(protoReader.message(), 1, "values", (protoReader) =>
          values.push(readKeyValue(protoReader, depth + 1)),
        );
        value = { kvlistValue: { values } };
        break;
      }
      case 7:
        expectWire(key, WIRE_LEN, "bytes_value");
        // The OTLP/JSON spelling. inferlog's encoder never writes bytes; `decodeOtlpLogs` reads them as null.
        value = { bytesValue: protoReader.base64() };
        break;
      default:
        protoReader.skip(key & 7);
    }
  }
  return value as AnyValue;
}
