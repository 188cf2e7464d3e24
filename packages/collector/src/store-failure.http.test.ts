import { afterEach, describe, expect, it } from "vitest";
import { postBatch, type Running, rawRequest, startCollector } from "./test-http.js";
import { prediction } from "./test-support.js";

let c: Running | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

describe("when the store fails", () => {
  it("answers 503 with Retry-After so the client retries, and /healthz reports it", async () => {
    const errors: string[] = [];
    c = await startCollector("sqlite", { logger: { info: () => {}, warn: () => {}, error: (m) => errors.push(m) } });
    await c.collector.store.close();
    const r = await postBatch(c.endpoint, [prediction()]);
    expect([r.status, r.headers["retry-after"], r.json()]).toEqual([
      503,
      "1",
      { error: "The store is unavailable; retry later" },
    ]);
    expect(errors).toEqual(["inferlog-collector: storing a batch failed: The SQLite store is closed"]);
    const h = await rawRequest(`${c.url}/healthz`, { method: "GET" });
    expect([h.status, h.json()]).toEqual([503, { status: "store_unavailable", error: "The SQLite store is closed" }]);
  });
});
