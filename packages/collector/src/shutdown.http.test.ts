import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { postBatch, startCollector } from "../test/test-http.js";
import { prediction, STORE_KINDS } from "../test/test-support.js";
import { openStore } from "./store/open-store.js";

describe.each(STORE_KINDS)("graceful shutdown (%s)", (kind) => {
  it("finishes a batch that is in flight when close() is called, then refuses new connections", async () => {
    const c = await startCollector(kind);
    const events = Array.from({ length: 20 }, () => prediction());
    const body = Buffer.from(JSON.stringify(events));
    let closing: Promise<void> | undefined;
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        c.endpoint,
        {
          method: "POST",
          headers: { "content-type": "application/cloudevents-batch+json", "content-length": String(body.length) },
        },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => {
            text += d.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.write(body.subarray(0, 100));
      setTimeout(() => {
        closing = c.collector.close({ timeoutMs: 5000 });
        setTimeout(() => req.end(body.subarray(100)), 100);
      }, 100);
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ accepted: 20, rejected: [], duplicates: 0 });
    await closing;
    await expect(postBatch(c.endpoint, [prediction()])).rejects.toThrow(/ECONNREFUSED/);
    const store = await openStore(c.fx.spec);
    try {
      expect(await store.eventIdCounts()).toEqual(new Map(events.map((e) => [e.id, 1])));
    } finally {
      await store.close();
      await c.fx.cleanup();
    }
  });
});
