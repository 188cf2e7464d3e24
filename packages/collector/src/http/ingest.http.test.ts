import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BATCH, postBatch, type Running, rawRequest, startCollector } from "../../test/test-http.js";
import { feedback, outcome, prediction, STORE_KINDS } from "../../test/test-support.js";

describe.each(STORE_KINDS)("POST /v1/events into %s", (kind) => {
  let c: Running;
  beforeEach(async () => {
    c = await startCollector(kind, { maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024 });
  });
  afterEach(() => c.stop());

  it("stores a valid batch and answers with what it accepted", async () => {
    const p = prediction();
    const o = outcome(p.data.predictionId as string, "billing");
    const r = await postBatch(c.endpoint, [p, o]);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ accepted: 2, rejected: [], duplicates: 0 });
    expect(await c.collector.store.eventIdCounts()).toEqual(
      new Map([
        [p.id, 1],
        [o.id, 1],
      ]),
    );
  });

  it("takes one structured event as application/cloudevents+json", async () => {
    const p = prediction();
    const r = await rawRequest(c.endpoint, {
      headers: { "content-type": "application/cloudevents+json; charset=utf-8" },
      body: JSON.stringify(p),
    });
    expect(r.json()).toEqual({ accepted: 1, rejected: [], duplicates: 0 });
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map([[p.id, 1]]));
  });

  it("takes gzip bodies", async () => {
    const events = Array.from({ length: 50 }, () => prediction());
    const r = await rawRequest(c.endpoint, {
      headers: { ...BATCH, "content-encoding": "gzip" },
      body: gzipSync(JSON.stringify(events)),
    });
    expect(r.json()).toEqual({ accepted: 50, rejected: [], duplicates: 0 });
    expect([...(await c.collector.store.eventIdCounts()).keys()].sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("stores the valid events of a mixed batch and rejects the rest by index with a reason", async () => {
    const good = prediction();
    const badAction = feedback(good.data.predictionId as string, "loved");
    const unknown = { ...prediction(), type: "ml.unknown" };
    const r = await postBatch(c.endpoint, [badAction, good, unknown, 42]);
    expect(r.status).toBe(200);
    const body = r.json() as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((x) => x.index)).toEqual([0, 2, 3]);
    expect(body.rejected[0]?.reason).toContain("data.action");
    expect(body.rejected[1]?.reason).toContain('got "ml.unknown"');
    expect(body.rejected[2]?.reason).toBe("Expected an event object, got number");
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map([[good.id, 1]]));
  });

  it("stores an event without fields the contract does not know, says which in `warnings` (the first 20) and counts them", async () => {
    const typo = { ...prediction(), data: { ...prediction().data, output: { lable: "billing", score: 0.5 } } };
    const events = [prediction(), typo, ...Array.from({ length: 24 }, () => ({ ...typo, id: prediction().id }))];
    const r = await postBatch(c.endpoint, events);
    const body = r.json() as { accepted: number; warnings: { index: number; reason: string }[] };
    expect(body.accepted).toBe(26);
    expect(body.warnings).toHaveLength(20);
    expect(body.warnings[0]).toEqual({
      index: 1,
      reason: "`output.lable` is not a field of ml.prediction events (check its spelling): left out, the event stored",
    });
    expect((await c.collector.store.eventIdCounts()).size).toBe(26);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toContain('inferlog_events_ignored_fields_total{route="/v1/events"} 25');
    // A clean batch has no `warnings` at all.
    expect(Object.keys((await postBatch(c.endpoint, [prediction()])).json() as object)).toEqual([
      "accepted",
      "rejected",
      "duplicates",
    ]);
  });

  it("names a hostile unknown field (NUL, a surrogate pair cut at 128 units) in well-formed text, and stores the event", async () => {
    const p = prediction();
    const long = `a${"😀".repeat(100)}`;
    const r = await postBatch(c.endpoint, [{ ...p, data: { ...p.data, "nul\u0000key": 1, [long]: 2 } }]);
    const body = r.json() as { accepted: number; warnings: { index: number; reason: string }[] };
    expect(body.accepted).toBe(1);
    const reason = body.warnings[0]?.reason ?? "";
    expect(reason).toContain("`nul\u0000key`");
    expect(reason).toContain(`\`a${"😀".repeat(63)}\ufffd\``);
    expect(reason).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map([[p.id, 1]]));
  });

  it("stores an event once however often it arrives", async () => {
    const batch = [prediction(), prediction()];
    expect((await postBatch(c.endpoint, batch)).json()).toEqual({ accepted: 2, rejected: [], duplicates: 0 });
    expect((await postBatch(c.endpoint, batch)).json()).toEqual({ accepted: 2, rejected: [], duplicates: 2 });
    expect((await postBatch(c.endpoint, [batch[0], batch[0]])).json()).toEqual({
      accepted: 2,
      rejected: [],
      duplicates: 2,
    });
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map(batch.map((e) => [e.id, 1])));
    expect((await c.collector.store.tableCounts()).predictions).toBe(2);
  });

  it("answers malformed JSON with 400 and where the fault is", async () => {
    const r = await rawRequest(c.endpoint, { headers: BATCH, body: '[{"id": "a",\n  "type": }]' });
    expect(r.status).toBe(400);
    expect((r.json() as { error: string }).error).toMatch(/^The body is not valid JSON at line 2, column 11/);
  });

  it("answers a body that is not an array with 400", async () => {
    const r = await rawRequest(c.endpoint, { headers: BATCH, body: '{"hello": 1}' });
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({ error: "Expected the body to be a JSON array of CloudEvents, got object" });
  });

  it("answers a wrong content type with 415", async () => {
    const r = await rawRequest(c.endpoint, { headers: { "content-type": "application/xml" }, body: "<a/>" });
    expect(r.status).toBe(415);
    expect((r.json() as { error: string }).error).toContain("got `application/xml`");
    const none = await rawRequest(c.endpoint, { body: "[]" });
    expect(none.status).toBe(415);
  });

  it("answers a body over the limit with 413 and stores nothing", async () => {
    const big = Array.from({ length: 200 }, () => prediction());
    const r = await postBatch(c.endpoint, big);
    expect(r.status).toBe(413);
    expect((r.json() as { error: string }).error).toContain("over the limit of 65536 bytes");
    expect((await c.collector.store.eventIdCounts()).size).toBe(0);
  });

  it("counts the bytes of a chunked body that declares no length, and stops at the limit", async () => {
    const big = Buffer.from(JSON.stringify(Array.from({ length: 200 }, () => prediction())));
    const r = await rawRequest(c.endpoint, { headers: { ...BATCH, "transfer-encoding": "chunked" }, body: big });
    expect(r.status).toBe(413);
    expect(r.json()).toEqual({ error: "The body is over the limit of 65536 bytes; send smaller batches" });
    expect((await c.collector.store.eventIdCounts()).size).toBe(0);
    expect((await postBatch(c.endpoint, [prediction()])).status).toBe(200);
  });

  it("takes br bodies", async () => {
    const events = [prediction(), prediction()];
    const r = await rawRequest(c.endpoint, {
      headers: { ...BATCH, "content-encoding": "br" },
      body: brotliCompressSync(JSON.stringify(events)),
    });
    expect(r.json()).toEqual({ accepted: 2, rejected: [], duplicates: 0 });
    expect([...(await c.collector.store.eventIdCounts()).keys()].sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("refuses an unknown Content-Encoding with 415, even one named like an Object.prototype key", async () => {
    for (const enc of ["zstd", "constructor"]) {
      const r = await rawRequest(c.endpoint, { headers: { ...BATCH, "content-encoding": enc }, body: "[]" });
      expect(r.status).toBe(415);
      expect((r.json() as { error: string }).error).toBe(
        `Unsupported Content-Encoding \`${enc}\`: send br, gzip, deflate or none`,
      );
    }
  });

  it("stops a br bomb while decompressing", async () => {
    const bomb = brotliCompressSync(Buffer.alloc(64 * 1024 * 1024, " "), {
      params: { [constants.BROTLI_PARAM_QUALITY]: 1 },
    });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const r = await rawRequest(c.endpoint, { headers: { ...BATCH, "content-encoding": "br" }, body: bomb });
    expect(r.status).toBe(413);
    expect((r.json() as { error: string }).error).toContain("The br body inflates to over 262144 bytes");
    expect((await postBatch(c.endpoint, [prediction()])).status).toBe(200);
  });

  it("stops a gzip bomb while decompressing", async () => {
    // 64 MiB of spaces inflate from ~64 KiB; the limit is 256 KiB, so inflating must stop early.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, " "), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const before = process.memoryUsage().rss;
    const r = await rawRequest(c.endpoint, { headers: { ...BATCH, "content-encoding": "gzip" }, body: bomb });
    expect(r.status).toBe(413);
    expect((r.json() as { error: string }).error).toContain("inflates to over 262144 bytes");
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
    const ok = await postBatch(c.endpoint, [prediction()]);
    expect(ok.status).toBe(200);
  });

  it("answers GET /healthz with the store kind", async () => {
    const r = await rawRequest(`${c.url}/healthz`, { method: "GET" });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: "ok", store: kind });
  });

  it("answers other routes and methods with 404 and 405", async () => {
    expect((await rawRequest(`${c.url}/v1/nope`, { method: "GET" })).status).toBe(404);
    expect((await rawRequest(c.endpoint, { method: "GET" })).status).toBe(405);
  });
});
