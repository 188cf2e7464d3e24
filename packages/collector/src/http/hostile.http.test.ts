import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH, postBatch, type Running, rawRequest, startCollector } from "../../test/test-http.js";
import { exposure, feedback, outcome, prediction, STORE_KINDS } from "../../test/test-support.js";

interface Reply {
  accepted: number;
  rejected: { index: number; reason: string }[];
}

describe.each(STORE_KINDS)("hostile input into %s", (kind) => {
  let c: Running;
  beforeAll(async () => {
    c = await startCollector(kind, { maxBodyBytes: 1024 * 1024 });
  });
  afterAll(() => c.stop());

  /** After every hostile request the collector must still take a good batch. */
  async function stillServes(): Promise<void> {
    const p = prediction();
    expect((await postBatch(c.endpoint, [p])).json()).toEqual({ accepted: 1, rejected: [], duplicates: 0 });
    expect((await c.collector.store.eventIdCounts()).get(p.id)).toBe(1);
  }
  const stored = async () => (await c.collector.store.eventIdCounts()).size;

  it("refuses deeply nested JSON, whole-body and inside an event", async () => {
    const before = await stored();
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const r = await rawRequest(c.endpoint, { headers: BATCH, body: `[${deep}]` });
    expect(r.status).toBe(200);
    expect((r.json() as Reply).rejected).toEqual([{ index: 0, reason: "Expected an event object, got an array" }]);
    const p = prediction();
    const nested = JSON.stringify([p]).replace('"features":{', `"features":{"a":${deep},`);
    const r2 = (await rawRequest(c.endpoint, { headers: BATCH, body: nested })).json() as Reply;
    expect(r2.accepted).toBe(0);
    expect(r2.rejected[0]?.reason).toContain("data.features.a");
    expect(await stored()).toBe(before);
    await stillServes();
  });

  it("refuses huge strings by field", async () => {
    const p = prediction();
    const huge = { ...p, data: { ...p.data, model: { name: "x".repeat(300_000), version: "v1" } } };
    const body = (await postBatch(c.endpoint, [huge])).json() as Reply;
    expect(body.accepted).toBe(0);
    expect(body.rejected[0]?.reason).toContain(
      "`data.model.name` is too large: limit 256 characters, got 300000 characters",
    );
    expect((await c.collector.store.eventIdCounts()).has(p.id)).toBe(false);
    await stillServes();
  });

  it("refuses wrong types by field", async () => {
    const p = prediction();
    const cases = [
      { ...p, id: 12 },
      { ...p, time: "yesterday" },
      { ...p, data: { ...p.data, output: "billing" } },
      { ...p, data: { ...p.data, outcomeTtlSeconds: -5 } },
      { ...p, samplerate: "1" },
    ];
    const body = (await postBatch(c.endpoint, cases)).json() as Reply;
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(body.rejected.map((r) => /`([^`]+)`/.exec(r.reason)?.[1])).toEqual([
      "id",
      "time",
      "data.output",
      "data.outcomeTtlSeconds",
      "samplerate",
    ]);
    expect((await c.collector.store.eventIdCounts()).has(p.id)).toBe(false);
    await stillServes();
  });

  it("refuses __proto__, constructor and prototype keys", async () => {
    const a = prediction();
    const b = prediction();
    const body = `[${JSON.stringify(a).replace('"features":{', '"features":{"__proto__":{"polluted":1},')},${JSON.stringify(b).replace('"tags":', '"x":').replace('"features":{', '"features":{"constructor":1,')}]`;
    const r = (await rawRequest(c.endpoint, { headers: BATCH, body })).json() as Reply;
    expect(r.accepted).toBe(0);
    expect(r.rejected[0]?.reason).toContain("`data.features.__proto__` is a reserved key");
    expect(r.rejected[1]?.reason).toContain("`data.features.constructor` is a reserved key");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await c.collector.store.eventIdCounts()).has(a.id)).toBe(false);
    await stillServes();
  });

  it("refuses invalid UTF-8 and lone surrogates", async () => {
    const p = prediction();
    const bytes = Buffer.from(JSON.stringify([p]).replace("billing", "bill\u0000ing"));
    const at = bytes.indexOf(0);
    bytes[at] = 0xff; // a byte that can never occur in UTF-8
    const r = await rawRequest(c.endpoint, { headers: BATCH, body: bytes });
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({ error: "The body is not valid UTF-8" });
    const lone = JSON.stringify([prediction()]).replace('"billing"', '"bill\\ud800ing"');
    const r2 = (await rawRequest(c.endpoint, { headers: BATCH, body: lone })).json() as Reply;
    expect(r2.rejected).toEqual([
      { index: 0, reason: "A string in the event holds a lone UTF-16 surrogate (not valid Unicode)" },
    ]);
    expect((await c.collector.store.eventIdCounts()).has(p.id)).toBe(false);
    await stillServes();
  });

  it("stores SQL-looking strings in every field as plain data", async () => {
    const sql = "x'); DROP TABLE events; -- \\' OR '1'='1";
    const p = prediction({ predictionId: `${sql}p`, label: sql });
    (p as Record<string, unknown>).source = sql;
    (p.data.model as Record<string, unknown>) = { name: sql, version: sql, environment: "prod';--" };
    p.data.features = { [`${sql}k`]: sql };
    p.data.tags = { "k'--": sql };
    const pid = p.data.predictionId as string;
    const linked = [outcome(pid, sql), exposure(pid), feedback(pid)].map((e) => ({
      ...e,
      source: sql,
      data: { ...e.data, modelName: sql, subjectKey: sql },
    }));
    const r = (await postBatch(c.endpoint, [p, ...linked])).json() as Reply;
    expect(r).toEqual({ accepted: 4, rejected: [], duplicates: 0 });
    expect(JSON.parse((await c.collector.store.rawEvent(p.id)) ?? "null")).toEqual(p);
    expect(await c.collector.store.joinedPrediction(sql, pid)).toEqual({
      predictionId: pid,
      modelName: sql,
      modelVersion: sql,
      label: sql,
      outcomeLabel: sql,
      outcomeRevision: 0,
      exposures: 1,
      feedback: 1,
    });
    await stillServes();
  });
});
