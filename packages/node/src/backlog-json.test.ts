import { getHeapSpaceStatistics } from "node:v8";
import { JOIN_MIN_QUEUE_BYTES } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import type { TestCollector } from "../test/collector.js";
import { perTest } from "../test/per-test.js";
import type { NodeClient } from "./create-client.js";

const MODEL = { name: "ticket-router", version: "v3" };
const features = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`feature_${i}`, i * 0.37]));

/** Bytes in V8's large-object spaces (old and young): where strings over 128 KiB live. */
const largeObjectBytes = () =>
  getHeapSpaceStatistics()
    .filter((space) => space.space_name.includes("large_object"))
    .reduce((sum, space) => sum + space.space_used_size, 0);

const live = perTest(200);
let collector: TestCollector;
let client: NodeClient;

/** Logs `count` predictions into a client whose collector never answers; the growth of the large-object spaces. */
async function backlog(maxQueueBytes: number, count: number): Promise<number> {
  collector = await live.collector();
  collector.reply = () => "hang";
  client = live.client({ endpoint: collector.url, source: "svc", model: MODEL, maxQueueSize: 50_000, maxQueueBytes });
  const before = largeObjectBytes();
  for (let i = 0; i < count; i++)
    client.logPrediction({ predictionId: `p-${i}`, output: { label: "billing", score: 0.9 }, features });
  await client.flush({ timeoutMs: 50 }); // every call prepared and queued; nothing can be delivered
  expect(client.stats().queued).toBeGreaterThan(count - 500); // the batches in flight aside
  return largeObjectBytes() - before;
}

describe("a backlog's JSON in the Node client", () => {
  it("is joined into large strings the young-generation collector never copies", async () => {
    // About 480 B of JSON per prediction: 10,000 of them hold ~4.8 MB.
    const grown = await backlog(JOIN_MIN_QUEUE_BYTES, 10_000);
    expect(grown).toBeGreaterThan(3_500_000);
  });

  it("is not joined in steady delivery, where the events leave as they come", async () => {
    collector = await live.collector();
    client = live.client({
      endpoint: collector.url,
      source: "svc",
      model: MODEL,
      maxQueueSize: 50_000,
      maxQueueBytes: JOIN_MIN_QUEUE_BYTES,
    });
    const before = largeObjectBytes();
    for (let i = 0; i < 10_000; i++) {
      client.logPrediction({ predictionId: `p-${i}`, output: { label: "billing", score: 0.9 }, features });
      if (i % 100 === 99) await client.flush();
    }
    expect(new Set(collector.ids).size).toBe(10_000);
    expect(largeObjectBytes() - before).toBeLessThan(1_000_000);
  });

  it("stays in the events' own strings in a queue under JOIN_MIN_QUEUE_BYTES", async () => {
    const grown = await backlog(JOIN_MIN_QUEUE_BYTES - 1, 10_000);
    expect(grown).toBeLessThan(1_000_000);
  });
});
