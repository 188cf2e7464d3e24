import type { InferlogEvent } from "@inferlog/core";
import { toOtlpLogsRequest } from "@inferlog/core/otlp";
import { describe, expect, it } from "vitest";
import { prediction } from "../../test/test-support.js";
import { readOtlpRecords } from "./otlp-logs.js";
import { protobufLogRecords } from "./otlp-proto-logs.js";
import { officialProtobuf } from "./otlp-test-records.js";

/** Counts turns of the event loop (one per setImmediate round) until stopped. */
function loopTurns() {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      running = false;
      return turns;
    },
  };
}

describe("OTLP records are read in slices", () => {
  it("lets the event loop turn between slices of 250 records, so other requests are answered meanwhile", async () => {
    const events = Array.from({ length: 1000 }, () => prediction()) as unknown as InferlogEvent[];
    const request = toOtlpLogsRequest(events);
    const options = { maxEvents: 10_000, surrogatesPossible: false };

    const protobuf = loopTurns();
    const fromProtobuf = await readOtlpRecords({ protobuf: protobufLogRecords(officialProtobuf(request)) }, options);
    // 1,000 records: three yields, each letting at least one turn run.
    expect(protobuf.stop()).toBeGreaterThanOrEqual(3);
    expect(fromProtobuf.valid.map((e) => e.id)).toEqual(events.map((e) => e.id));

    const json = loopTurns();
    const fromJson = await readOtlpRecords({ json: request.resourceLogs[0]!.scopeLogs[0]!.logRecords }, options);
    expect(json.stop()).toBeGreaterThanOrEqual(3);
    expect(fromJson.valid).toEqual(fromProtobuf.valid);
  });
});
