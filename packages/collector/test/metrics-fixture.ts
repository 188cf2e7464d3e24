/** Hand-made events for the metric tests; every expected value in them is worked out by hand. */
import { type EventType, uuidv7, validateEvent } from "@inferlog/core";
import type { Report } from "../src/metrics/types.js";
import type { IncomingEvent, Store } from "../src/store/types.js";

const DAY = 86_400_000;
/** Monday 2026-11-16 00:00 UTC: week 1 of the fixture; week 2 starts seven days later. */
export const W1 = Date.parse("2026-11-16T00:00:00Z");
export const W2 = W1 + 7 * DAY;
/** The report the fixture's tests ask for: computed 20 days after W1, one label enough for a figure. */
export const FIXTURE_REPORT = { now: W1 + 20 * DAY, minLabels: 1 } as const;
/** A report without the time it was made: what two computations of the same numbers share. */
export const reportNumbers = (report: Report): Report => ({ ...report, generatedAt: "" });
const iso = (ms: number) => new Date(ms).toISOString();

let seq = 0;
function ev(type: EventType, timeMs: number, data: Record<string, unknown>): IncomingEvent {
  const raw = {
    specversion: "1.0",
    id: `fx-${seq++}-${uuidv7(Date.now())}`,
    type,
    source: "fixture",
    time: iso(timeMs),
    data,
  };
  const r = validateEvent(type, raw);
  if (!r.ok) throw new Error(`fixture event invalid: ${JSON.stringify(r.error)}`);
  return { event: r.event, receivedMs: timeMs };
}

const ROUTER = { name: "router", version: "v1", trainedAt: iso(W1) };
const cands = (ages: (number | undefined)[] = []) =>
  ["a", "b", "c"].map((id, i) => ({
    id,
    score: 0.5 - i * 0.1,
    rank: i + 1,
    ...(ages[i] === undefined ? {} : { itemAgeSeconds: ages[i] }),
  }));
const pred = (pid: string, timeMs: number, score: number, extra: Record<string, unknown> = {}) =>
  ev("ml.prediction", timeMs, {
    predictionId: pid,
    model: ROUTER,
    task: "ranking",
    output: { label: "a", score, candidates: cands(), k: 3 },
    outcomeTtlSeconds: 2 * 86_400,
    ...extra,
  });
const linked = (pid: string, model = "router") => ({ predictionId: pid, modelName: model });
const outcome = (pid: string, timeMs: number, data: Record<string, unknown>) =>
  ev("ml.outcome", timeMs, { ...linked(pid), source: "human", ...data });
const exposure = (pid: string, timeMs: number, subjectKey?: string) =>
  ev("ml.exposure", timeMs, {
    ...linked(pid),
    shown: ["a", "b", "c"].map((id, position) => ({ id, position })),
    surface: "inbox",
    ...(subjectKey ? { subjectKey } : {}),
  });
const feedback = (pid: string, timeMs: number, action: string) =>
  ev("ml.feedback", timeMs, { ...linked(pid), action, kind: action === "ignored" ? "derived" : "explicit" });

/**
 * Model "router" v1 (trained W1), all in week 1:
 * P1 (age day 1, score 0.9): outcome a → rank 1. P2 (day 1, 0.8): outcome b → rank 2.
 * P3 (day 3, 0.6): outcome rev 1 relevantIds [c, d] (rev 0 said b) → rank 3, 2 relevant.
 * P4 (day 3, 0.5): outcome z → not ranked. P5 (day 3): no outcome.
 */
export function routerEvents(): IncomingEvent[] {
  const t1 = W1 + DAY;
  const t3 = W1 + 3 * DAY;
  return [
    pred("P1", t1, 0.9, { output: { label: "a", score: 0.9, candidates: cands([10, 20, 30]), k: 2 } }),
    pred("P2", t1, 0.8, { output: { label: "a", score: 0.8, candidates: cands([40, undefined, 50]) } }),
    pred("P3", t3, 0.6),
    pred("P4", t3, 0.5),
    pred("P5", t3, 0.7),
    outcome("P1", t1 + DAY, { label: "a", relevantIds: ["a"], metrics: { handleTimeSavedSec: 30 } }),
    outcome("P2", t1 + 2 * DAY, { label: "b", metrics: { handleTimeSavedSec: 10 } }),
    outcome("P3", t3 + 3 * DAY, { label: "b", revision: 0, metrics: { handleTimeSavedSec: 100 } }),
    outcome("P3", t3 + 5 * DAY, {
      label: "c",
      relevantIds: ["c", "d"],
      revision: 1,
      metrics: { handleTimeSavedSec: 20 },
    }),
    outcome("P4", t3 + 4 * DAY, { label: "z" }),
    exposure("P1", t1, "s1"),
    exposure("P2", t1, "s2"),
    exposure("P3", t1 + 2 * DAY, "s1"),
    exposure("P4", t3),
    feedback("P1", t1 + 1000, "accepted"),
    feedback("P2", t1 + 1000, "ignored"),
    feedback("P3", t1 + 2 * DAY + 1000, "rejected"),
    feedback("P3", t1 + 2 * DAY + 2000, "ignored"),
  ];
}

/**
 * Model "drifty": week 1 has x = 1..10 and plan pro ×3, free ×1 (six without plan); week 2 has x = 1 ×5
 * and 11 ×5, plan pro, free, enterprise ×2 (six without). Every predicted label is "a".
 */
export function driftEvents(): IncomingEvent[] {
  const model = { name: "drifty", version: "v1" };
  const out: IncomingEvent[] = [];
  const plans1 = ["pro", "pro", "pro", "free"];
  const plans2 = ["pro", "free", "enterprise", "enterprise"];
  for (let i = 0; i < 10; i++) {
    const mk = (t: number, x: number, plan: string | undefined) =>
      ev("ml.prediction", t, {
        predictionId: `D${t}-${i}`,
        model,
        task: "multiclass",
        output: { label: "a" },
        features: plan === undefined ? { x } : { x, plan },
      });
    out.push(mk(W1 + DAY + i * 1000, i + 1, plans1[i]));
    out.push(mk(W2 + DAY + i * 1000, i < 5 ? 1 : 11, plans2[i]));
  }
  return out;
}

export async function seedMetricsFixture(store: Store): Promise<void> {
  await store.insertBatch([...routerEvents(), ...driftEvents()]);
}
