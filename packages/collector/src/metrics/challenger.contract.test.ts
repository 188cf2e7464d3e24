import { type EventType, validateEvent } from "@inferlog/core";
import { beforeAll, describe, expect, it } from "vitest";
import { W1, W2 } from "../../test/metrics-fixture.js";
import { STORE_KINDS, useStore } from "../../test/test-support.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import type { Report } from "./types.js";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
let seq = 0;
function ev(type: EventType, timeMs: number, data: Record<string, unknown>): IncomingEvent {
  const r = validateEvent(type, {
    specversion: "1.0",
    id: `ch-${String(seq++).padStart(4, "0")}`,
    type,
    source: "challenger-test",
    time: iso(timeMs),
    data,
  });
  if (!r.ok) throw new Error(`test event invalid: ${JSON.stringify(r.error)}`);
  return { event: r.event, receivedMs: timeMs };
}

const OLD = { name: "m", version: "old", trainedAt: iso(W1 - 10 * DAY) };
const NEW = { name: "m", version: "new", trainedAt: iso(W1) };
const prediction = (model: { name: string; version: string }, pid: string, t: number, label: string, shadow = false) =>
  ev("ml.prediction", t, {
    predictionId: pid,
    model,
    task: "multiclass",
    output: { label, candidates: [{ id: label, rank: 1, itemAgeSeconds: 60 }] },
    features: { words: 10 },
    ...(shadow ? { shadow } : {}),
  });

/**
 * Model "m": in week 1, "old" (trained 10 days before W1) answers ten requests and the challenger "new" (trained
 * at W1) scores the same ten beside it. Each request's outcome is "y". Old is right on r0-r5 (6), new on r0-r4 and
 * r6-r8 (8): old alone right on r5 (1), new alone on r6, r7, r8 (3). Every request is shown and accepted, with a
 * business metric of 10. In week 2 old answers alone (2 requests, both right).
 * Model "ab": two versions on different requests of week 1 (an A/B split, no challenger): v1 right on 3 of 5,
 * v2 on 4 of 4. Model "solo": one version all along.
 */
function events(): IncomingEvent[] {
  const out: IncomingEvent[] = [];
  for (let i = 0; i < 10; i++) {
    const pid = `r${i}`;
    const t = W1 + DAY + i * 60_000;
    // The challenger's event first: its id sorts first, and "new" < "old", so a version lookup that let it in shows.
    out.push(prediction(NEW, pid, t + 5, i <= 4 || (i >= 6 && i <= 8) ? "y" : "n", true));
    out.push(prediction(OLD, pid, t, i <= 5 ? "y" : "n"));
    out.push(
      ev("ml.exposure", t + 1000, {
        predictionId: pid,
        modelName: "m",
        shown: [{ id: "y", position: 0 }],
        surface: "s",
      }),
    );
    out.push(ev("ml.feedback", t + 2000, { predictionId: pid, modelName: "m", action: "accepted", kind: "explicit" }));
    out.push(
      ev("ml.outcome", t + DAY, {
        predictionId: pid,
        modelName: "m",
        label: "y",
        source: "human",
        metrics: { saved: 10 },
      }),
    );
  }
  for (let i = 0; i < 2; i++) {
    out.push(prediction(OLD, `w2-${i}`, W2 + DAY + i, "y"));
    out.push(ev("ml.outcome", W2 + 2 * DAY, { predictionId: `w2-${i}`, modelName: "m", label: "y", source: "human" }));
  }
  const ab = (version: string, i: number, right: boolean) => [
    prediction({ name: "ab", version }, `${version}-${i}`, W1 + 2 * DAY + i, right ? "y" : "n"),
    ev("ml.outcome", W1 + 3 * DAY, { predictionId: `${version}-${i}`, modelName: "ab", label: "y", source: "human" }),
  ];
  for (let i = 0; i < 5; i++) out.push(...ab("v1", i, i < 3));
  for (let i = 0; i < 4; i++) out.push(...ab("v2", i, true));
  out.push(prediction({ name: "solo", version: "1" }, "s1", W1 + DAY, "y"));
  out.push(ev("ml.outcome", W1 + 2 * DAY, { predictionId: "s1", modelName: "solo", label: "y", source: "human" }));
  return out;
}

// Paired, week 1 of "m": n = 10, b = 1 (old only), c = 3 (new only). Difference (c − b) / n = 0.2, standard error
// √((b + c) − (c − b)² / n) / n = √3.6 / 10; McNemar exact p = 2 · P(X ≤ 1 | 4, ½) = 2 · 5 / 16.
const PAIRED_SE = Math.sqrt(3.6) / 10;
// Unpaired, "ab": 0.6 of 5 against 1 of 4: difference 0.4, standard error √(0.6 · 0.4 / 5), z = 0.4 / se;
// p = 2 · (1 − Φ(1.8257...)) = 0.067889... (scipy.stats.norm.sf).
const AB_SE = Math.sqrt((0.6 * 0.4) / 5);
const Z = 1.959963984540054;

describe.each(STORE_KINDS)("versions compared on the same windows, in the %s store", (kind) => {
  let store: Store;
  let report: Report;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    await store.insertBatch(events());
    report = await computeReport(store, { now: W2 + 20 * DAY, minLabels: 1, window: "week" });
  });

  it("pairs a challenger with the shown version on the requests both scored: McNemar and the paired interval", () => {
    const rows = report.sameWindow.filter((r) => r.model === "m");
    expect(rows).toHaveLength(1);
    const [r] = rows;
    expect(r).toMatchObject({
      windowStart: iso(W1),
      older: "old",
      newer: "new",
      olderRole: "shown",
      newerRole: "shadow",
      olderLabeled: 10,
      olderAccuracy: 0.6,
      newerLabeled: 10,
      newerAccuracy: 0.8,
      paired: 10,
      olderOnlyRight: 1,
      newerOnlyRight: 3,
      method: "paired",
    });
    expect(r?.difference).toBeCloseTo(0.2, 12);
    expect(r?.ciLow).toBeCloseTo(0.2 - Z * PAIRED_SE, 12);
    expect(r?.ciHigh).toBeCloseTo(0.2 + Z * PAIRED_SE, 12);
    expect(r?.pValue).toBeCloseTo(10 / 16, 12);
  });

  it("compares versions on different requests of the same window unpaired", () => {
    const [r, ...rest] = report.sameWindow.filter((x) => x.model === "ab");
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ older: "v1", newer: "v2", paired: 0, method: "unpaired", olderAccuracy: 0.6 });
    expect(r?.newerAccuracy).toBe(1);
    expect(r?.difference).toBeCloseTo(0.4, 12);
    expect(r?.ciLow).toBeCloseTo(0.4 - Z * AB_SE, 12);
    expect(r?.pValue).toBeCloseTo(0.06788915486182899, 9);
  });

  it("reads the pooled difference as an age effect per day of the age gap", () => {
    const [a, ...rest] = report.ageEffect.filter((x) => x.model === "m");
    expect(rest).toEqual([]);
    expect(a).toMatchObject({
      older: "old",
      newer: "new",
      windows: 1,
      firstWindow: iso(W1),
      lastWindow: iso(W1),
      ageGap: 10,
      method: "paired",
      n: 10,
      olderChange: null,
      newerChange: null,
    });
    expect(a?.perAgeUnit).toBeCloseTo(-0.02, 12);
    expect(a?.perAgeUnitLow).toBeCloseTo(-(0.2 + Z * PAIRED_SE) / 10, 12);
    expect(a?.perAgeUnitHigh).toBeCloseTo(-(0.2 - Z * PAIRED_SE) / 10, 12);
    expect(a?.verdict).toBe(
      "on the same weeks, new (10 d younger) was not measurably more accurate than old: +20.0 pts (95% CI -17.2 to +57.2)",
    );
  });

  it("says per model whether age and calendar time can be told apart", () => {
    expect(report.confounding).toEqual([
      {
        model: "ab",
        versions: 2,
        overlappingWindows: 1,
        pairedRequests: 0,
        confounded: false,
        statement:
          "age and calendar time are told apart on 1 week (2026-11-16 to 2026-11-16): two versions on different requests (unpaired: no challenger); outside them they stay confounded",
      },
      {
        model: "m",
        versions: 2,
        overlappingWindows: 1,
        pairedRequests: 10,
        confounded: false,
        statement:
          "age and calendar time are told apart on 1 week (2026-11-16 to 2026-11-16): 10 labeled requests scored by two versions; outside them they stay confounded",
      },
      {
        model: "solo",
        versions: 1,
        overlappingWindows: 0,
        pairedRequests: 0,
        confounded: true,
        statement:
          "age and calendar time are confounded: one version served the whole report, so accuracy by model age is accuracy by calendar week (a change at some age may be the world changing that week); log a challenger (`shadow: true`) beside the live version to tell them apart",
      },
    ]);
  });

  it("counts a challenger's predictions as its version's, and nothing it never showed", async () => {
    const m = report.quality.filter((q) => q.model === "m").map((q) => [q.version, q.windowStart, q.volume]);
    expect(m).toEqual([
      ["new", iso(W1), 10],
      ["old", iso(W1), 10],
      ["old", iso(W2), 2],
    ]);
    expect(
      report.versions.filter((v) => v.model === "m").map((v) => [v.version, v.predictions, v.shadowPredictions]),
    ).toEqual([
      ["old", 12, 0],
      ["new", 10, 10],
    ]);
    // Exposures, feedback, business metrics, shown items and label drift belong to the shown version only.
    expect(report.feedback.filter((f) => f.model === "m").map((f) => [f.version, f.exposed, f.acceptRate])).toEqual([
      ["old", 10, 1],
    ]);
    expect(report.business.filter((b) => b.model === "m").map((b) => [b.version, b.metric, b.n])).toEqual([
      ["old", "saved", 10],
    ]);
    expect(report.itemAge.filter((x) => x.model === "m").map((x) => [x.version, x.n])).toEqual([
      ["old", 10],
      ["old", 2],
    ]);
    const predicted = report.drift.filter((d) => d.model === "m" && d.feature === "label:predicted");
    expect(predicted.map((d) => d.n)).toEqual([10, 2]);
    const words = report.drift.filter((d) => d.model === "m" && d.feature === "words");
    expect(words.map((d) => d.n)).toEqual([10, 2]);
    const coverage = await store.labelCoverage({ modelName: "m", nowMs: W2 + 20 * DAY });
    expect(coverage).toMatchObject({ due: 12, labeled: 12 });
  });
});
