import { describe, expect, it } from "vitest";
import { createClient } from "../client.js";
import { MemoryTransport } from "../testing/memory-transport.js";
import { validateEvent } from "../validate.js";
import { fromKeyValues } from "./otlp-any-value.js";
import { decodeOtlpLogs } from "./otlp-decode.js";
import { createOtlpJsonEncoder, OTLP_MAX_TIME_MS, type OtlpLogsRequest } from "./otlp-json.js";

const INT64_MAX = 9_223_372_036_854_775_807n;

/** Times the ISO schema allows but int64 nanoseconds since 1970 cannot hold, and the edges that can. */
const TIMES = [
  "1969-12-31T23:59:59.999Z",
  "0500-06-01T00:00:00.000Z",
  "1970-01-01T00:00:00.000Z",
  "2262-04-11T23:47:16.854Z",
  "2262-04-11T23:47:16.855Z",
  "9999-12-31T23:59:59.999Z",
];

async function encodeAt(times: readonly string[]) {
  const transport = new MemoryTransport();
  const client = createClient({
    transport,
    source: "history-import",
    model: { name: "ticket-router", version: "v3" },
    encoder: createOtlpJsonEncoder(),
    logger: { warn: () => {} },
  });
  for (const time of times) client.logPrediction({ time, task: "binary", output: { label: "yes", score: 0.7 } });
  const flushed = await client.flush();
  expect(flushed).toMatchObject({ ok: true, sent: times.length, dropped: 0 });
  expect(transport.batches).toHaveLength(1);
  return JSON.parse(transport.batches[0]!.body) as OtlpLogsRequest;
}

describe("OTLP encoder and times outside 1970..2262", () => {
  it("holds timeUnixNano to [0, int64 max] and carries the true time in inferlog.time", async () => {
    const req = await encodeAt(TIMES);
    const records = req.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(records.map((r) => r.timeUnixNano)).toEqual([
      "0",
      "0",
      "0",
      `${OTLP_MAX_TIME_MS}000000`,
      `${OTLP_MAX_TIME_MS}000000`,
      `${OTLP_MAX_TIME_MS}000000`,
    ]);
    for (const r of records) {
      expect(r.timeUnixNano).toMatch(/^\d+$/);
      expect(BigInt(r.timeUnixNano) <= INT64_MAX).toBe(true);
      expect(r.observedTimeUnixNano).toBe(r.timeUnixNano);
    }
    // Only the times the nanoseconds do not hold exactly carry the attribute, and 1970-01-01 itself:
    // a timeUnixNano of 0 means "unknown" to an OTLP reader.
    expect(records.map((r) => fromKeyValues(r.attributes)["inferlog.time"])).toEqual([
      "1969-12-31T23:59:59.999Z",
      "0500-06-01T00:00:00.000Z",
      "1970-01-01T00:00:00.000Z",
      undefined,
      "2262-04-11T23:47:16.855Z",
      "9999-12-31T23:59:59.999Z",
    ]);
  });

  it("decodes every event back with its own time, and each validates", async () => {
    const decoded = decodeOtlpLogs(await encodeAt(TIMES));
    expect(decoded.map((e) => e.time)).toEqual(TIMES);
    for (const e of decoded) expect(validateEvent(e.type, e).ok).toBe(true);
  });
});
