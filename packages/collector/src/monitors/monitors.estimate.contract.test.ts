import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventMaker, STORE_KINDS, type StoreFixture, storeFixture } from "../../test/test-support.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { createMonitorRunner, type Evaluation } from "./monitor-runner.js";
import { parseMonitorsConfig } from "./rules.js";

const DAY = 86_400_000;
const W1 = Date.parse("2026-11-16T00:00:00Z");
const W2 = W1 + 7 * DAY;
const NOW = W2 + 3 * DAY;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const ev = eventMaker("est", "estimate-monitor-test");

/**
 * "calibrated": week 1, 100 predictions scored 0.9, all labeled, 90 right (ECE 0); week 2, 100 scored 0.6 and no
 * labels: the estimate falls from 90 % to 60 % while no label shows it. "overconfident": 40 predictions scored
 * 0.95, half right (ECE 0.45 > maxEce 0.05): its estimate is refused.
 */
function events(): IncomingEvent[] {
  const out: IncomingEvent[] = [];
  const predict = (model: string, id: string, t: number, score: number, right?: boolean) => {
    out.push(
      ev("ml.prediction", t, {
        predictionId: id,
        model: { name: model, version: "v1" },
        task: "multiclass",
        output: { label: "a", score },
      }),
    );
    if (right === undefined) return;
    out.push(
      ev("ml.outcome", t + 60_000, { predictionId: id, modelName: model, source: "human", label: right ? "a" : "b" }),
    );
  };
  for (let i = 0; i < 100; i++) {
    predict("calibrated", `c1-${i}`, W1 + i * 60_000, 0.9, i < 90);
    predict("calibrated", `c2-${i}`, W2 + i * 60_000, 0.6);
  }
  for (let i = 0; i < 40; i++) predict("overconfident", `o-${i}`, W1 + i * 60_000, 0.95, i % 2 === 0);
  return out;
}

const config = parseMonitorsConfig({
  fireAfter: 1,
  rules: [
    { id: "est-floor", kind: "estimated_accuracy_below", floor: 0.7 },
    { id: "est-drop", kind: "estimated_accuracy_drop", points: 20 },
  ],
});
const judged = (e: Evaluation) =>
  e.observations.map((o) => [o.monitorId, o.scopeKey, o.verdict, o.value === null ? null : Number(o.value.toFixed(9))]);

describe("monitors on the label-free estimate, the same on SQLite and ClickHouse", () => {
  const fixtures: StoreFixture[] = [];
  const stores: Store[] = [];
  const first: Evaluation[] = [];
  const elsewhere: Evaluation[] = [];
  const next: Evaluation[] = [];
  beforeAll(async () => {
    for (const kind of STORE_KINDS) {
      const fx = storeFixture(kind);
      fixtures.push(fx);
      const store = await fx.open();
      stores.push(store);
      await store.insertBatch(events());
      const runner = (instance: string, now: number) =>
        createMonitorRunner({ store, config, logger: quiet, now: () => now, instance, claimSettleMs: 0 });
      first.push(await runner("a", NOW).evaluate());
      elsewhere.push(await runner("b", NOW).evaluate());
      next.push(await runner("b", NOW + config.intervalSeconds * 1000).evaluate());
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const fx of fixtures) await fx.cleanup();
  });

  it("fire on the falling estimate, and report the refused one as not evaluable without firing", () => {
    const [sqlite, clickhouse] = first as [Evaluation, Evaluation];
    expect(judged(sqlite)).toEqual([
      ["est-floor", "model=calibrated version=v1", "bad", 0.6],
      ["est-floor", "model=overconfident version=v1", "good", null],
      ["est-drop", "model=calibrated version=v1", "bad", 30],
      ["est-drop", "model=overconfident version=v1", "good", null],
    ]);
    expect(judged(clickhouse)).toEqual(judged(sqlite));
    const refused = sqlite.observations.find((o) => o.scopeKey === "model=overconfident version=v1");
    expect(refused?.summary).toBe(
      "not evaluable: no accuracy estimate (scores are not calibrated: ECE 0.450 > maxEce 0.05)",
    );
    expect(refused?.threshold).toBeNull();
    for (const evaluation of [sqlite, clickhouse]) {
      expect(evaluation.transitions.map((t) => [t.monitorId, t.scopeKey, t.status])).toEqual([
        ["est-floor", "model=calibrated version=v1", "firing"],
        ["est-drop", "model=calibrated version=v1", "firing"],
      ]);
    }
    expect(clickhouse.transitions.map((t) => t.id)).toEqual(sqlite.transitions.map((t) => t.id));
  });

  it("are claimed once per window, and stay firing (not firing again) in the next one", () => {
    for (const evaluation of elsewhere) {
      expect(evaluation.evaluated).toEqual([]);
      expect(evaluation.claimedElsewhere).toEqual(["est-floor", "est-drop"]);
    }
    for (const evaluation of next) {
      expect(evaluation.transitions).toEqual([]);
      expect(evaluation.firing.map((s) => [s.monitorId, s.scopeKey]).sort()).toEqual([
        ["est-drop", "model=calibrated version=v1"],
        ["est-floor", "model=calibrated version=v1"],
      ]);
    }
  });
});
