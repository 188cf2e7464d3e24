import { afterEach, describe, expect, it } from "vitest";
import { postBatch, quiet, type Running, rawRequest, startCollector } from "../test/test-http.js";
import { prediction, storeFixture } from "../test/test-support.js";
import { createCollector } from "./collector.js";

let c: Running | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

/** What an error answer must never show a client: a stack frame or a path on the collector's host. */
const LEAKS = /\bat \S+ \(|\/[\w.-]+\/[\w.-]+|node:internal|\.ts:\d+|\.js:\d+|inferlog\.db/;

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
    expect([h.status, h.json()]).toEqual([503, { status: "store_unavailable" }]);
    expect(errors[1]).toBe("inferlog-collector: /healthz: the store failed: The SQLite store is closed");
  });

  it.each(["/v1/report", "/report"])(
    "answers %s with 503 and no stack trace or path; the log has them",
    async (path) => {
      const errors: string[] = [];
      c = await startCollector("sqlite", { logger: { info: () => {}, warn: () => {}, error: (m) => errors.push(m) } });
      // A table gone from under the collector: every report query fails inside SQLite.
      await c.collector.store.readRows?.("DROP TABLE predictions");
      const r = await rawRequest(`${c.url}${path}`, { method: "GET" });
      const message = "The report could not be computed: the store failed; the collector's log says why";
      expect([r.status, path === "/report" ? r.body : (r.json() as { error: string }).error]).toEqual([503, message]);
      expect(r.body).not.toMatch(LEAKS);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^inferlog-collector: a report failed: SqliteError: no such table: predictions\n\s+at /,
      );
    },
  );

  it("answers an unexpected error with 500 and no stack trace or path; the log has them", async () => {
    const errors: string[] = [];
    const fx = storeFixture("sqlite");
    const real = await fx.open();
    let broken = false;
    // The real store, but one property access throws as a bug deep in a dependency would.
    const store = new Proxy(real, {
      get(target, key, receiver) {
        if (broken && key === "kind") throw new TypeError("Cannot read properties of undefined (at /srv/app/x.js:1:2)");
        const value = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const collector = await createCollector({ store, logger: { ...quiet, error: (m) => errors.push(m) } });
    const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
    broken = true;
    const r = await rawRequest(`${url}/healthz`, { method: "GET" });
    broken = false;
    expect([r.status, r.json()]).toEqual([500, { error: "Internal error" }]);
    expect(r.body).not.toMatch(LEAKS);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^inferlog-collector: unexpected error: TypeError: Cannot read properties .*\n\s+at /s);
    await collector.close();
    await fx.cleanup();
  });

  it("answers a bad report option with 400 naming the field", async () => {
    c = await startCollector("sqlite");
    const r = await rawRequest(`${c.url}/v1/report?k=0`, { method: "GET" });
    expect([r.status, r.json()]).toEqual([400, { error: "Expected `k` to be an integer from 1 to 20, got `0`" }]);
  });
});
