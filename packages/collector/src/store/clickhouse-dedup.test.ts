import type { InferlogEvent } from "@inferlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CLICKHOUSE_URL,
  clickhouseClientOf,
  databaseOf,
  outcome,
  prediction,
  type StoreFixture,
  storeFixture,
  T0_MS,
} from "../../test/test-support.js";
import type { ClickHouseClient } from "./clickhouse-http.js";
import { openClickHouseStore } from "./clickhouse-store.js";
import type { IncomingEvent, Store } from "./types.js";

const incoming = (events: Record<string, unknown>[]): IncomingEvent[] =>
  events.map((event) => ({ event: event as unknown as InferlogEvent, receivedMs: T0_MS }));

describe("ClickHouse store under racing writers", () => {
  let fx: StoreFixture;
  let a: Store;
  let b: Store;
  let ch: ClickHouseClient;
  beforeEach(async () => {
    fx = storeFixture("clickhouse");
    a = await fx.open();
    b = await openClickHouseStore({ url: CLICKHOUSE_URL, database: databaseOf(fx) });
    ch = clickhouseClientOf(fx);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await fx.cleanup();
  });

  it("counts every event once when two collectors insert the same batch at the same moment", async () => {
    const p = prediction({ ttl: 60 });
    const batch = incoming([p, outcome(p.data.predictionId as string, "billing")]);
    await Promise.all([a.insertBatch(batch), b.insertBatch(batch), a.insertBatch(batch)]);
    // However many physical copies the race left, every query sees one.
    expect(await a.eventIdCounts()).toEqual(new Map(batch.map((e) => [e.event.id, 1])));
    expect(await b.tableCounts()).toEqual({
      events: 2,
      predictions: 1,
      candidates: 3,
      exposures: 0,
      feedback: 0,
      outcomes: 1,
      features: 5,
    });
    expect(await a.labelCoverage({ nowMs: T0_MS + 120_000 })).toEqual({ due: 1, labeled: 1, coverage: 1 });
  });

  it("still counts once when copies are physically stored and not yet merged", async () => {
    const p = prediction();
    await a.insertBatch(incoming([p]));
    // Simulate a second writer that did not see the first: copy every row of the event again.
    for (const t of ["predictions", "candidates", "features", "events"]) {
      await ch.exec(`INSERT INTO ${ch.database}.${t} SELECT * FROM ${ch.database}.${t}`);
    }
    const [raw] = await ch.rows<{ n: number }>("SELECT count() AS n FROM events");
    expect(raw?.n).toBe(2);
    expect(await a.eventIdCounts()).toEqual(new Map([[p.id, 1]]));
    expect(await a.tableCounts()).toMatchObject({ events: 1, predictions: 1, candidates: 3, features: 5 });
  });
});
