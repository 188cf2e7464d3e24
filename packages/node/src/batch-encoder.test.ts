import { cloudEventsBatchEncoder } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import { cloudEventsBatchJoinedOnce } from "./batch-encoder.js";

describe("the CloudEvents batch joined once", () => {
  it("writes exactly what core's encoder writes, for any number of events", () => {
    for (const n of [0, 1, 2, 3, 100]) {
      const events = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `e${i}`, data: { i, text: "é👍" } }));
      expect(cloudEventsBatchJoinedOnce.encode(events)).toBe(cloudEventsBatchEncoder.encode(events));
      expect(JSON.parse(cloudEventsBatchJoinedOnce.encode(events))).toHaveLength(n);
    }
    expect(cloudEventsBatchJoinedOnce.contentType).toBe(cloudEventsBatchEncoder.contentType);
  });

  it("leaves the caller's array as it was", () => {
    const events = ['{"id":"a"}', '{"id":"b"}'];
    cloudEventsBatchJoinedOnce.encode(events);
    expect(events).toEqual(['{"id":"a"}', '{"id":"b"}']);
  });
});
