import type { InferlogEvent } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import {
  exposure,
  features,
  feedback,
  outcome,
  prediction,
  STORE_KINDS,
  T0_MS,
  useStore,
} from "../../test/test-support.js";
import type { IncomingEvent, Store } from "./types.js";

const incoming = (events: Record<string, unknown>[], receivedMs = T0_MS): IncomingEvent[] =>
  events.map((event) => ({ event: event as unknown as InferlogEvent, receivedMs }));

describe.each(STORE_KINDS)("%s store", (kind) => {
  let store: Store;
  useStore(kind, "each", (open) => {
    store = open.store;
  });

  it("stores every event once, whether repeated in a batch or across batches", async () => {
    const p = prediction();
    const o = outcome(p.id, "billing");
    expect(await store.insertBatch(incoming([p, o, p]))).toEqual({ inserted: 2, duplicates: 1 });
    expect(await store.insertBatch(incoming([o, p], T0_MS + 5))).toEqual({ inserted: 0, duplicates: 2 });
    expect([...(await store.eventIdCounts()).entries()].sort()).toEqual(
      [
        [o.id, 1],
        [p.id, 1],
      ].sort(),
    );
    expect(await store.tableCounts()).toEqual({
      events: 2,
      predictions: 1,
      candidates: 3,
      exposures: 0,
      feedback: 0,
      outcomes: 1,
      features: 5,
    });
  });

  it("keeps outcomes, exposures and feedback that come before their prediction and joins them later", async () => {
    const p = prediction();
    const pid = p.data.predictionId as string;
    await store.insertBatch(incoming([outcome(pid, "tech"), exposure(pid), feedback(pid)]));
    expect(await store.joinedPrediction("ticket-router", pid)).toEqual({
      predictionId: pid,
      modelName: "ticket-router",
      modelVersion: null,
      label: null,
      outcomeLabel: "tech",
      outcomeRevision: 0,
      exposures: 1,
      feedback: 1,
    });
    await store.insertBatch(incoming([p]));
    expect(await store.joinedPrediction("ticket-router", pid)).toMatchObject({
      modelVersion: "v3",
      label: "billing",
      outcomeLabel: "tech",
    });
    expect(await store.joinedPrediction("other-model", pid)).toBeUndefined();
  });

  it("lets the latest outcome revision win, whatever order revisions arrive in", async () => {
    const p = prediction();
    const pid = p.data.predictionId as string;
    await store.insertBatch(
      incoming([p, outcome(pid, "sales", 2, T0_MS + 1000), outcome(pid, "tech", 1, T0_MS + 9000)]),
    );
    await store.insertBatch(incoming([outcome(pid, "billing", 0, T0_MS + 20_000)]));
    expect(await store.joinedPrediction("ticket-router", pid)).toMatchObject({
      outcomeLabel: "sales",
      outcomeRevision: 2,
    });
  });

  it("reports label coverage only for predictions whose outcome TTL has passed", async () => {
    const labeled = prediction({ ttl: 60 });
    const unlabeled = prediction({ ttl: 60 });
    const longTtl = prediction({ ttl: 86_400 });
    await store.insertBatch(
      incoming([labeled, unlabeled, longTtl, outcome(labeled.data.predictionId as string, "billing")]),
    );
    expect(await store.labelCoverage({ nowMs: T0_MS + 30_000 })).toEqual({ due: 0, labeled: 0, coverage: null });
    expect(await store.labelCoverage({ nowMs: T0_MS + 61_000 })).toEqual({ due: 2, labeled: 1, coverage: 0.5 });
    expect(await store.labelCoverage({ nowMs: T0_MS + 86_400_000, modelName: "ticket-router" })).toEqual({
      due: 3,
      labeled: 1,
      coverage: 1 / 3,
    });
    expect(await store.labelCoverage({ nowMs: T0_MS + 86_400_000, modelName: "nope" })).toEqual({
      due: 0,
      labeled: 0,
      coverage: null,
    });
  });

  it("stores features in long format and keeps SQL-looking strings as plain data", async () => {
    const f = features();
    const evil = "'); DROP TABLE events; --\\' \" `x` $(x)";
    (f.data.features as Record<string, unknown>).y = evil;
    await store.insertBatch(incoming([f]));
    expect(await store.tableCounts()).toMatchObject({ events: 1, features: 2 });
    expect(await store.eventIdCounts()).toEqual(new Map([[f.id, 1]]));
    expect(JSON.parse((await store.rawEvent(f.id)) ?? "null")).toEqual(f);
    expect(await store.rawEvent("' OR 1=1 --")).toBeUndefined();
  });

  it("stores extreme numbers and unusual strings that pass validation", async () => {
    const p = prediction({ label: 'emoji 🎉 tab\t nul\u0000 quote" backslash\\ ünïcödé' });
    p.data.features = {
      big: 1e300,
      tiny: 5e-324,
      exp: 1.5e-7,
      neg: -0,
      huge: 1e21,
      int: 9007199254740991,
      s: "\u2028\u0001",
    };
    (p.data.output as Record<string, unknown>).score = -1e21;
    const o = outcome(p.data.predictionId as string, "x", 2 ** 31);
    expect(await store.insertBatch(incoming([p, o]))).toEqual({ inserted: 2, duplicates: 0 });
    expect(JSON.parse((await store.rawEvent(p.id)) ?? "null")).toEqual(JSON.parse(JSON.stringify(p)));
    expect(await store.joinedPrediction("ticket-router", p.data.predictionId as string)).toMatchObject({
      label: 'emoji 🎉 tab\t nul\u0000 quote" backslash\\ ünïcödé',
      outcomeRevision: 2 ** 31,
    });
    expect((await store.tableCounts()).features).toBe(7);
  });
});
