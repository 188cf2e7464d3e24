import type { AnyValue, KeyValue, OtlpLogRecord, OtlpLogsRequest } from "@inferlog/core/otlp";
import { ProtoError, ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./otlp-proto-reader.js";

/** Deeper AnyValue nesting than this is refused instead of recursing until the stack runs out. */
const MAX_VALUE_DEPTH = 64;

type Resource = OtlpLogsRequest["resourceLogs"][number]["resource"];
type ScopeLogs = OtlpLogsRequest["resourceLogs"][number]["scopeLogs"][number];

/** Field numbers and wire types from opentelemetry-proto (logs/v1, common/v1, resource/v1). */
function expectWire(wire: number, want: number, field: string): void {
  if (wire !== want) throw new ProtoError(`\`${field}\` has wire type ${wire}, expected ${want}`);
}

/**
 * An OTLP/protobuf `ExportLogsServiceRequest` in the shape of its OTLP/JSON mapping (int64 as
 * decimal strings, trace and span ids as hex), which is what `decodeOtlpLogs` reads.
 */
export function decodeOtlpLogsProtobuf(bytes: Uint8Array): OtlpLogsRequest {
  const r = new ProtoReader(bytes);
  const resourceLogs: OtlpLogsRequest["resourceLogs"] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, WIRE_LEN, "resource_logs");
      resourceLogs.push(readResourceLogs(r.message()));
    } else r.skip(wire);
  }
  return { resourceLogs };
}

function readResourceLogs(r: ProtoReader): OtlpLogsRequest["resourceLogs"][number] {
  let resource: Resource = { attributes: [], droppedAttributesCount: 0 };
  const scopeLogs: ScopeLogs[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, WIRE_LEN, "resource");
      resource = readResource(r.message());
    } else if (field === 2) {
      expectWire(wire, WIRE_LEN, "scope_logs");
      scopeLogs.push(readScopeLogs(r.message()));
    } else r.skip(wire);
  }
  return { resource, scopeLogs };
}

function readResource(r: ProtoReader): Resource {
  const resource: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, WIRE_LEN, "resource.attributes");
      resource.attributes.push(readKeyValue(r.message(), 0));
    } else if (field === 2) {
      expectWire(wire, WIRE_VARINT, "resource.dropped_attributes_count");
      resource.droppedAttributesCount = r.varint();
    } else r.skip(wire);
  }
  return resource;
}

function readScopeLogs(r: ProtoReader): ScopeLogs {
  const scope: { name: string; version?: string } = { name: "" };
  const logRecords: OtlpLogRecord[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, WIRE_LEN, "scope");
      const s = r.message();
      while (!s.done) {
        const t = s.tag();
        if (t.field === 1 && t.wire === WIRE_LEN) scope.name = s.string();
        else if (t.field === 2 && t.wire === WIRE_LEN) scope.version = s.string();
        else s.skip(t.wire);
      }
    } else if (field === 2) {
      expectWire(wire, WIRE_LEN, "log_records");
      logRecords.push(readLogRecord(r.message()));
    } else r.skip(wire);
  }
  return { scope, logRecords };
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

function readLogRecord(r: ProtoReader): OtlpLogRecord {
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
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        expectWire(wire, WIRE_FIXED64, "time_unix_nano");
        record.timeUnixNano = r.fixed64().toString();
        break;
      case 11:
        expectWire(wire, WIRE_FIXED64, "observed_time_unix_nano");
        record.observedTimeUnixNano = r.fixed64().toString();
        break;
      case 2:
        expectWire(wire, WIRE_VARINT, "severity_number");
        record.severityNumber = r.varint();
        break;
      case 3:
        expectWire(wire, WIRE_LEN, "severity_text");
        record.severityText = r.string();
        break;
      case 5:
        expectWire(wire, WIRE_LEN, "body");
        record.body = readAnyValue(r.message(), 0);
        break;
      case 6:
        expectWire(wire, WIRE_LEN, "attributes");
        record.attributes.push(readKeyValue(r.message(), 0));
        break;
      case 7:
        expectWire(wire, WIRE_VARINT, "dropped_attributes_count");
        record.droppedAttributesCount = r.varint();
        break;
      case 8:
        expectWire(wire, WIRE_FIXED32, "flags");
        record.flags = r.fixed32();
        break;
      case 9: {
        expectWire(wire, WIRE_LEN, "trace_id");
        const id = r.bytesField();
        if (id.length > 0) record.traceId = hex(id);
        break;
      }
      case 10: {
        expectWire(wire, WIRE_LEN, "span_id");
        const id = r.bytesField();
        if (id.length > 0) record.spanId = hex(id);
        break;
      }
      case 12:
        expectWire(wire, WIRE_LEN, "event_name");
        record.eventName = r.string();
        break;
      default:
        r.skip(wire);
    }
  }
  return record;
}

function readKeyValue(r: ProtoReader, depth: number): KeyValue {
  let key = "";
  let value: AnyValue = {};
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, WIRE_LEN, "KeyValue.key");
      key = r.string();
    } else if (field === 2) {
      expectWire(wire, WIRE_LEN, "KeyValue.value");
      value = readAnyValue(r.message(), depth + 1);
    } else r.skip(wire);
  }
  return { key, value };
}

/** The values of an ArrayValue or KeyValueList (both: `repeated ... values = 1`). */
function readRepeated<T>(r: ProtoReader, read: (m: ProtoReader) => T): T[] {
  const out: T[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, WIRE_LEN, "values");
      out.push(read(r.message()));
    } else r.skip(wire);
  }
  return out;
}

function readAnyValue(r: ProtoReader, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new ProtoError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  // A oneof: the last field present wins, and none present is OTLP's empty value.
  let value: AnyValue | { bytesValue: string } = {};
  while (!r.done) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        expectWire(wire, WIRE_LEN, "string_value");
        value = { stringValue: r.string() };
        break;
      case 2:
        expectWire(wire, WIRE_VARINT, "bool_value");
        value = { boolValue: r.varint() !== 0 };
        break;
      case 3:
        expectWire(wire, WIRE_VARINT, "int_value");
        value = { intValue: r.int64().toString() };
        break;
      case 4:
        expectWire(wire, WIRE_FIXED64, "double_value");
        value = { doubleValue: r.double() };
        break;
      case 5:
        expectWire(wire, WIRE_LEN, "array_value");
        value = { arrayValue: { values: readRepeated(r.message(), (m) => readAnyValue(m, depth + 1)) } };
        break;
      case 6:
        expectWire(wire, WIRE_LEN, "kvlist_value");
        value = { kvlistValue: { values: readRepeated(r.message(), (m) => readKeyValue(m, depth + 1)) } };
        break;
      case 7:
        expectWire(wire, WIRE_LEN, "bytes_value");
        // The OTLP/JSON spelling. inferlog's encoder never writes bytes; `decodeOtlpLogs` reads them as null.
        value = { bytesValue: Buffer.from(r.bytesField()).toString("base64") };
        break;
      default:
        r.skip(wire);
    }
  }
  return value as AnyValue;
}
