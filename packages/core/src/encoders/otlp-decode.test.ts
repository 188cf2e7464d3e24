import { describe, expect, it } from "vitest";
import type { InferlogEvent } from "../schema/events.js";
import { fromKeyValues } from "./otlp-any-value.js";
import { decodeOtlpLogs } from "./otlp-decode.js";
import { type OtlpLogRecord, toOtlpLogsRequest } from "./otlp-json.js";

const TIME = "2025-11-20T10:00:00.000Z";
const TIME_NANOS = "1763632800000000000";
const OBSERVED = "2025-11-20T10:00:05.000Z";
const OBSERVED_NANOS = "1763632805000000000";
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";

const event = (time = TIME): InferlogEvent =>
  ({
    specversion: "1.0",
    id: "0193a1b2-0000-7000-8000-000000000001",
    source: "support-api",
    type: "ml.prediction",
    time,
    data: { predictionId: "p-1", model: { name: "ticket-router", version: "v3" }, task: "binary", output: {} },
  }) as unknown as InferlogEvent;

/** The SDK encoder's record for `event()`, changed by `edit` as another sender might write it. */
function decodeEdited(edit: (record: Record<string, unknown>) => void, source = event()): InferlogEvent {
  const request = toOtlpLogsRequest([source]);
  edit(request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]! as unknown as Record<string, unknown>);
  // Through JSON text, as it reaches a receiver: an absent field is absent, not undefined.
  const decoded = decodeOtlpLogs(JSON.stringify(request));
  expect(decoded).toHaveLength(1);
  return decoded[0]!;
}

describe("decodeOtlpLogs: record times", () => {
  it("reads timeUnixNano as whole milliseconds, from a decimal string or a JSON integer", () => {
    expect(decodeEdited(() => {}).time).toBe(TIME);
    expect(decodeEdited((r) => (r.timeUnixNano = "1763632800123999999")).time).toBe("2025-11-20T10:00:00.123Z");
    expect(decodeEdited((r) => (r.timeUnixNano = Number(TIME_NANOS))).time).toBe(TIME);
    expect(decodeEdited((r) => (r.timeUnixNano = "999999")).time).toBe("1970-01-01T00:00:00.000Z");
    expect(decodeEdited((r) => (r.timeUnixNano = "18446744073709551615")).time).toBe("2554-07-21T23:34:33.709Z");
  });

  it("falls back to observedTimeUnixNano when timeUnixNano is 0, absent or null (0 means unknown)", () => {
    const unknownTimes = [
      (r: Record<string, unknown>) => (r.timeUnixNano = "0"),
      (r: Record<string, unknown>) => (r.timeUnixNano = 0),
      (r: Record<string, unknown>) => delete r.timeUnixNano,
      (r: Record<string, unknown>) => (r.timeUnixNano = null),
    ];
    for (const unknownTime of unknownTimes) {
      const decoded = decodeEdited((r) => {
        unknownTime(r);
        r.observedTimeUnixNano = OBSERVED_NANOS;
      });
      expect(decoded.time).toBe(OBSERVED);
    }
  });

  it("refuses a record with no time at all, naming both fields", () => {
    for (const noTime of [
      (r: Record<string, unknown>) => Object.assign(r, { timeUnixNano: "0", observedTimeUnixNano: "0" }),
      (r: Record<string, unknown>) => {
        delete r.timeUnixNano;
        delete r.observedTimeUnixNano;
      },
    ]) {
      expect(() => decodeEdited(noTime)).toThrow(
        "The record has no time: `timeUnixNano` and `observedTimeUnixNano` are both 0 or absent",
      );
    }
  });

  it("refuses a time that is not an unsigned 64-bit integer instead of reading another time into it", () => {
    const refused: [unknown, string][] = [
      ["1763632800000000000.0", '"1763632800000000000.0"'],
      ["-1000000000000", '"-1000000000000"'],
      ["18446744073709551616", '"18446744073709551616"'],
      ["1.7e18", '"1.7e18"'],
      ["", '""'],
      [1e21, "1e+21"],
      [-1, "-1"],
      [1.5, "1.5"],
      [true, "true"],
    ];
    for (const [value, shown] of refused) {
      expect(() => decodeEdited((r) => (r.timeUnixNano = value))).toThrow(
        `Expected \`timeUnixNano\` to be an unsigned 64-bit count of nanoseconds (decimal digits), got \`${shown}\``,
      );
    }
    expect(() => decodeEdited((r) => Object.assign(r, { timeUnixNano: "0", observedTimeUnixNano: "12.5" }))).toThrow(
      'Expected `observedTimeUnixNano` to be an unsigned 64-bit count of nanoseconds (decimal digits), got `"12.5"`',
    );
  });

  it("round-trips an event at exactly 1970-01-01T00:00:00.000Z through inferlog.time", () => {
    const epoch = event("1970-01-01T00:00:00.000Z");
    const record = toOtlpLogsRequest([epoch]).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.timeUnixNano).toBe("0");
    expect(fromKeyValues(record.attributes)["inferlog.time"]).toBe("1970-01-01T00:00:00.000Z");
    // As a proto3 JSON writer passes it on: zero fields left out.
    const { timeUnixNano: _time, observedTimeUnixNano: _observed, ...withoutZeros } = record;
    const request = { resourceLogs: [{ scopeLogs: [{ logRecords: [withoutZeros as OtlpLogRecord] }] }] };
    expect(decodeOtlpLogs(JSON.stringify(request)).map((e) => e.time)).toEqual(["1970-01-01T00:00:00.000Z"]);
  });
});

describe("decodeOtlpLogs: trace links", () => {
  const linked = (ids: { traceId?: unknown; spanId?: unknown; flags?: unknown }) =>
    decodeEdited((r) => Object.assign(r, ids)).traceparent;

  it("masks the reserved bits of flags, keeping the W3C trace flags", () => {
    expect(linked({ traceId: TRACE_ID, spanId: SPAN_ID, flags: 0x101 })).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(linked({ traceId: TRACE_ID, spanId: SPAN_ID, flags: 0xffffff00 })).toBe(`00-${TRACE_ID}-${SPAN_ID}-00`);
    expect(linked({ traceId: TRACE_ID, spanId: SPAN_ID })).toBe(`00-${TRACE_ID}-${SPAN_ID}-00`);
  });

  it("reads hex ids in either case, written in lower case", () => {
    expect(linked({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID.toUpperCase(), flags: 1 })).toBe(
      `00-${TRACE_ID}-${SPAN_ID}-01`,
    );
  });

  it("keeps the event without a trace link when an id is missing, malformed, the wrong length or all zeros", () => {
    const unlinked = [
      { traceId: TRACE_ID.slice(0, 16), spanId: SPAN_ID },
      { traceId: TRACE_ID, spanId: `${SPAN_ID}00` },
      { traceId: `${TRACE_ID.slice(0, 31)}g`, spanId: SPAN_ID },
      { traceId: "0".repeat(32), spanId: SPAN_ID },
      { traceId: TRACE_ID, spanId: "0".repeat(16) },
      { traceId: TRACE_ID },
      { traceId: 42, spanId: SPAN_ID },
    ];
    for (const ids of unlinked) {
      const decoded = decodeEdited((r) => Object.assign(r, { flags: 1 }, ids));
      expect(decoded.traceparent).toBeUndefined();
      expect(decoded.id).toBe(event().id);
    }
  });
});
