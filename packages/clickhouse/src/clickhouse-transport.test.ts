import { computeReport, openClickHouseStore } from "@inferlog/collector";
import { clickhouseDdl } from "@inferlog/collector/rows";
import { ConfigError, createClient, type InferlogEvent } from "@inferlog/core";
import { afterAll, describe, expect, it } from "vitest";
import { createClickHouseTransport } from "./clickhouse-transport.js";

// The ClickHouse that scripts/setup/clickhouse.sh starts; a test that cannot reach it fails.
const URL = process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
const databases: string[] = [];
const freshDb = () => {
  const db = `inferlog_direct_${Date.now()}_${databases.length}`;
  databases.push(db);
  return db;
};
afterAll(async () => {
  for (const db of databases) await fetch(`${URL}/`, { method: "POST", body: `DROP DATABASE IF EXISTS ${db}` });
});

const MODEL = { name: "ticket-router", version: "v3", trainedAt: "2026-11-01T00:00:00.000Z" };

describe("ClickHouse-direct transport", () => {
  it("writes the collector's tables, and the collector's store reads them back", async () => {
    const database = freshDb();
    const events: InferlogEvent[] = [];
    const client = createClient({
      transport: createClickHouseTransport({ url: URL, database }),
      source: "support-api",
      model: MODEL,
      flushAt: 3,
      hooks: { onEnqueued: (q) => events.push(...q.map((e) => JSON.parse(e.json) as InferlogEvent)) },
    });
    const t0 = Date.now() - 3 * 86_400_000;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { predictionId } = client.logPrediction({
        time: t0 + i,
        outcomeTtlSeconds: 60,
        output: {
          label: i % 2 ? "tech" : "billing",
          score: 0.9,
          candidates: [
            { id: "billing", rank: 1 },
            { id: "tech", rank: 2 },
          ],
        },
        features: { age: 40 + i, plan: "pro" },
      });
      ids.push(predictionId);
    }
    client.logExposure({ predictionId: ids[0]!, shown: ["billing", "tech"], surface: "inbox" });
    client.logFeedback({ predictionId: ids[0]!, action: "accepted", kind: "explicit", candidateId: "billing" });
    client.logOutcome({ predictionId: ids[0]!, label: "billing", source: "human", revision: 1 });
    client.logOutcome({ predictionId: ids[1]!, label: "billing", source: "system" });
    client.logFeatures({ features: { age: 50 }, entityKey: "ek_1" });
    const r = await client.flush();
    expect(r).toMatchObject({ ok: true, sent: 9, dropped: 0, pending: 0 });
    expect(client.stats().dropped.total).toBe(0);

    const store = await openClickHouseStore({ url: URL, database });
    expect(await store.tableCounts()).toEqual({
      events: 9,
      predictions: 4,
      candidates: 8,
      exposures: 1,
      feedback: 1,
      outcomes: 2,
      features: 9,
    });
    expect(await store.joinedPrediction("ticket-router", ids[0]!)).toEqual({
      predictionId: ids[0],
      modelName: "ticket-router",
      modelVersion: "v3",
      label: "billing",
      outcomeLabel: "billing",
      outcomeRevision: 1,
      exposures: 1,
      feedback: 1,
    });
    expect(await store.labelCoverage({ modelName: "ticket-router" })).toEqual({ due: 4, labeled: 2, coverage: 0.5 });
    for (const e of events) expect(JSON.parse((await store.rawEvent(e.id))!)).toEqual(e);
    // The collector's report reads what the transport wrote, as if the collector had ingested it.
    const report = await computeReport(store, { model: "ticket-router", window: "week" });
    const sum = (f: (q: (typeof report.quality)[number]) => number) => report.quality.reduce((n, q) => n + f(q), 0);
    expect(sum((q) => q.volume)).toBe(4);
    expect(sum((q) => q.labeled)).toBe(2);
    expect(report.quality.filter((q) => q.labeled > 0).map((q) => q.accuracy)).toEqual([0.5]);
    await store.close();
  });

  it("folds a batch delivered twice (a retry after a lost answer) into one copy", async () => {
    const database = freshDb();
    const transport = createClickHouseTransport({ url: URL, database });
    const client = createClient({ transport, source: "svc", model: MODEL });
    const { predictionId } = client.logPrediction({ output: { label: "x" } });
    // Re-send exactly what the client sent, as a retry would.
    let body = "";
    const spy = createClient({
      transport: {
        send: async (req) => {
          body = req.body;
          return transport.send(req);
        },
      },
      source: "svc",
      model: MODEL,
    });
    spy.logOutcome({ predictionId, label: "x", source: "system" });
    await spy.flush();
    await client.flush();
    const signal = new AbortController().signal;
    const again = await transport.send({
      body,
      contentType: "application/cloudevents-batch+json",
      eventCount: 1,
      idempotencyKey: "k",
      attempt: 2,
      signal,
    });
    expect(again).toEqual({ kind: "ok" });
    const store = await openClickHouseStore({ url: URL, database });
    expect(await store.tableCounts()).toMatchObject({ events: 2, predictions: 1, outcomes: 1 });
    expect([...(await store.eventIdCounts()).values()]).toEqual([1, 1]);
    await store.close();
  });

  it("adds the shadow column to tables made before it, and writes a challenger's prediction as one", async () => {
    const database = freshDb();
    // The predictions table as it was before the column (and the other tables as they are).
    for (const stmt of clickhouseDdl(database)) {
      const old = stmt.includes(`${database}.predictions (`) ? stmt.replace(", shadow UInt8 DEFAULT 0", "") : stmt;
      expect(old.includes("shadow")).toBe(false);
      await fetch(`${URL}/`, { method: "POST", body: old });
    }
    for (let run = 0; run < 2; run++) {
      // Each client opens the tables anew: the ALTER finds the column there the second time, and goes on.
      const transport = createClickHouseTransport({ url: URL, database });
      const client = createClient({ transport, source: "support-api", model: MODEL });
      client.logPrediction({ predictionId: "r1", output: { label: "billing" } });
      client.logPrediction({
        predictionId: "r1",
        model: { ...MODEL, version: "v4" },
        shadow: true,
        output: { label: "tech" },
      });
      expect(await client.flush()).toMatchObject({ ok: true, sent: 2, dropped: 0 });
    }
    const res = await fetch(`${URL}/`, {
      method: "POST",
      body: `SELECT model_version, shadow, count() AS n FROM ${database}.predictions GROUP BY model_version, shadow
        ORDER BY model_version FORMAT JSONEachRow`,
    });
    expect(
      (await res.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { model_version: "v3", shadow: 0, n: "2" },
      { model_version: "v4", shadow: 1, n: "2" },
    ]);
  });

  it("retries when ClickHouse is unreachable, and refuses a foreign encoder for good", async () => {
    const down = createClickHouseTransport({ url: "http://127.0.0.1:1", database: "x" });
    const signal = new AbortController().signal;
    const req = { body: "[]", eventCount: 0, idempotencyKey: "k", attempt: 1, signal };
    const r = await down.send({ ...req, contentType: "application/cloudevents-batch+json" });
    expect(r.kind).toBe("retry");
    expect(r.kind === "retry" && r.reason).toMatch(/^ClickHouse is unreachable: /);
    const f = await down.send({ ...req, contentType: "application/x-ndjson" });
    expect(f.kind === "fatal" && f.error.message).toBe(
      "The ClickHouse transport reads CloudEvents batches; remove the `encoder` option (got application/x-ndjson)",
    );
  });

  it("reports a ClickHouse error (a missing table) as a fatal refusal with ClickHouse's words", async () => {
    const t = createClickHouseTransport({ url: URL, database: "inferlog_never_created", createTables: false });
    const errors: string[] = [];
    const c2 = createClient({
      transport: t,
      source: "svc",
      model: MODEL,
      onError: (e) => errors.push(e.message),
      logger: { warn: () => {} },
    });
    c2.logPrediction({ output: { label: "x" } });
    const r = await c2.flush();
    expect(r).toMatchObject({ ok: true, sent: 0, dropped: 1 });
    expect(c2.stats().dropped.rejected).toBe(1);
    expect(errors[0]).toMatch(/^Collector refused the batch with HTTP 404: .*inferlog_never_created/s);
  });

  it("refuses bad options naming the field", () => {
    expect(() => createClickHouseTransport({ url: "localhost:8123", database: "d" })).toThrow(ConfigError);
    expect(() => createClickHouseTransport({ url: "localhost:8123", database: "d" })).toThrow(
      'Expected `url` to be ClickHouse\'s http(s) URL, got `"localhost:8123"`',
    );
    expect(() => createClickHouseTransport({ url: URL, database: "x; DROP" })).toThrow(
      'Expected `database` to be a name matching [A-Za-z_][A-Za-z0-9_]* (at most 63 characters), got `"x; DROP"`',
    );
    expect(() => createClickHouseTransport({ url: URL, database: "d", timeoutMs: 0 })).toThrow(
      "Expected `timeoutMs` to be a positive integer, got `0`",
    );
    // String() throws on a null-prototype object; the message is still built.
    expect(() => createClickHouseTransport({ url: Object.create(null), database: "d" })).toThrow(
      "Expected `url` to be ClickHouse's http(s) URL, got `{}`",
    );
    expect(() => createClickHouseTransport(null as never)).toThrow("Expected options to be an object, got `null`");
  });
});
