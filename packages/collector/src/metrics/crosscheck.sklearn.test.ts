import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EventType, uuidv7, validateEvent } from "@inferlog/core";
import { seededRandom } from "@inferlog/test-support/seeded-random";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { W1 } from "../../test/metrics-fixture.js";
import { STORE_KINDS, type StoreFixture, storeFixture } from "../../test/test-support.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import type { Report } from "./types.js";

// Debian's own interpreter: another python (pyenv, conda) may come first on PATH without sklearn.
const PYTHON = "/usr/bin/python3";
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../../test/crosscheck.py");
const TOLERANCE = 1e-9;
const W2 = W1 + 7 * 86_400_000;
const CLASSES = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];

let seq = 0;
function ev(type: EventType, timeMs: number, data: Record<string, unknown>): IncomingEvent {
  const raw = {
    specversion: "1.0",
    id: `xc-${seq++}-${uuidv7(Date.now())}`,
    type,
    source: "xc",
    time: new Date(timeMs).toISOString(),
    data,
  };
  const r = validateEvent(type, raw);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { event: r.event, receivedMs: timeMs };
}

/** Random data, the events that log it, and the same data in the shapes sklearn and SciPy take. */
function generate() {
  const r = seededRandom(2026);
  const events: IncomingEvent[] = [];
  const py = {
    single: { classes: CLASSES, y_true: [] as string[], y_pred: [] as string[], scores: [] as number[][] },
    multi: { relevance: [] as number[][], scores: [] as number[][] },
    regression: { y_true: [] as number[], y_pred: [] as number[] },
    numeric: { ref: [] as number[], cur: [] as number[] },
    categorical: { ref: [] as string[], cur: [] as string[] },
    business: { ranks: { "1": [] as number[], "2": [] as number[], "3": [] as number[] }, baseline: [] as number[] },
  };
  // Every class ranked, scores strictly decreasing with rank (no ties for sklearn to average).
  const ranking = () => {
    const order = [...CLASSES].sort(() => r() - 0.5);
    const byClass = new Map(order.map((c, i) => [c, 1 - i / 10 - r() * 0.09]));
    return { order, row: CLASSES.map((c) => byClass.get(c) as number), byClass };
  };
  const pred = (
    model: string,
    i: number,
    output: Record<string, unknown>,
    features?: Record<string, unknown>,
    t = W1 + 1000 * i,
  ) =>
    ev("ml.prediction", t, {
      predictionId: `${model}-${i}`,
      model: { name: model, version: "v1" },
      task: "ranking",
      output,
      ...(features ? { features } : {}),
    });
  const outcome = (model: string, i: number, data: Record<string, unknown>) =>
    ev("ml.outcome", W1 + 1000 * i + 5000, {
      predictionId: `${model}-${i}`,
      modelName: model,
      source: "system",
      ...data,
    });
  const cands = (order: string[], byClass: Map<string, number>) =>
    order.map((id, k) => ({ id, score: byClass.get(id), rank: k + 1 }));

  for (let i = 0; i < 400; i++) {
    const { order, row, byClass } = ranking();
    const truth = CLASSES[Math.floor(r() * CLASSES.length)] as string;
    events.push(
      pred("xsingle", i, {
        label: order[0],
        score: byClass.get(order[0] as string),
        candidates: cands(order, byClass),
      }),
    );
    events.push(outcome("xsingle", i, { label: truth }));
    py.single.y_true.push(truth);
    py.single.y_pred.push(order[0] as string);
    py.single.scores.push(row);
  }
  for (let i = 0; i < 300; i++) {
    const { order, row, byClass } = ranking();
    const relevant = CLASSES.filter(() => r() < 0.25);
    if (relevant.length === 0) relevant.push(CLASSES[i % 8] as string);
    events.push(pred("xmulti", i, { label: order[0], candidates: cands(order, byClass) }));
    events.push(outcome("xmulti", i, { relevantIds: relevant }));
    py.multi.relevance.push(CLASSES.map((c) => (relevant.includes(c) ? 1 : 0)));
    py.multi.scores.push(row);
  }
  for (let i = 0; i < 200; i++) {
    const truth = Math.round(r() * 10000) / 100;
    const guess = Math.round((truth + (r() - 0.5) * 20) * 100) / 100;
    events.push(
      ev("ml.prediction", W1 + i, {
        predictionId: `xreg-${i}`,
        model: { name: "xreg", version: "v1" },
        task: "regression",
        output: { label: guess },
      }),
    );
    events.push(outcome("xreg", i, { label: truth }));
    py.regression.y_true.push(truth);
    py.regression.y_pred.push(guess);
  }
  const cats = ["web", "mobile", "email", "chat", "phone", "api"];
  for (let i = 0; i < 500; i++) {
    // Rounded to one decimal so values repeat and decile edges can coincide.
    const x0 = Math.round((r() + r() + r()) * 10) / 10;
    const x1 = Math.round((r() + r() + r() + 0.4) * 10) / 10;
    const c0 = cats[Math.floor(r() * r() * cats.length)] as string;
    const c1 = r() < 0.1 ? "kiosk" : (cats[Math.floor(r() * cats.length)] as string);
    events.push(pred("xdrift", i, { label: "a" }, { x: x0, channel: c0 }, W1 + 1000 * i));
    events.push(pred("xdrift", 1000 + i, { label: "a" }, { x: x1, channel: c1 }, W2 + 1000 * i));
    py.numeric.ref.push(x0);
    py.numeric.cur.push(x1);
    py.categorical.ref.push(c0);
    py.categorical.cur.push(c1);
  }
  // Handle times by how the three suggestions were used: accepted at rank 1-3, ignored, or shown and not taken.
  for (let i = 0; i < 300; i++) {
    const predictionId = `xbiz-${i}`;
    const t = W1 + 1000 * i;
    const link = { predictionId, modelName: "xbiz" };
    const u = r();
    const rank = u < 0.35 ? 1 : u < 0.5 ? 2 : u < 0.6 ? 3 : 0;
    const seconds = Math.round((rank === 0 ? 240 : 100 + 25 * rank) + (r() - 0.5) * 120);
    events.push(
      ev("ml.prediction", t, {
        predictionId,
        model: { name: "xbiz", version: "v1" },
        task: "ranking",
        output: { label: "a", candidates: ["a", "b", "c"].map((id, k) => ({ id, rank: k + 1 })) },
      }),
      ev("ml.exposure", t + 1, {
        ...link,
        shown: ["a", "b", "c"].map((id, position) => ({ id, position })),
        surface: "s",
      }),
      ev("ml.outcome", t + 2, { ...link, source: "system", label: "a", metrics: { handleTimeSec: seconds } }),
    );
    if (rank > 0) {
      events.push(ev("ml.feedback", t + 1, { ...link, action: "accepted", kind: "explicit", position: rank - 1 }));
      py.business.ranks[String(rank) as "1" | "2" | "3"].push(seconds);
    } else {
      if (r() < 0.5) events.push(ev("ml.feedback", t + 1, { ...link, action: "ignored", kind: "derived" }));
      py.business.baseline.push(seconds);
    }
  }
  return { events, py };
}

interface PyResult {
  hitAt: number[];
  accuracy: number;
  mrr: number;
  ndcg: Record<"3" | "5", number>;
  mae: number;
  numeric: { js: number; psi: number };
  categorical: { js: number; psi: number };
  business: {
    baselineMean: number;
    welch: Record<string, { mean: number; sd: number; diff: number; low: number; high: number }>;
  };
}

const close = (ours: number | null | undefined, theirs: number) => {
  expect(ours).not.toBeNull();
  expect(Math.abs((ours as number) - theirs)).toBeLessThanOrEqual(TOLERANCE);
};

describe.each(STORE_KINDS)("metrics in the %s store agree with scikit-learn and SciPy", (kind) => {
  let fx: StoreFixture;
  let store: Store;
  let py: PyResult;
  let k5: Report;
  let k3: Report;
  beforeAll(async () => {
    const { events, py: input } = generate();
    // Fails (never skips) when Debian's python3-sklearn / python3-scipy are missing: scripts/setup/python-sklearn.sh.
    py = JSON.parse(execFileSync(PYTHON, [SCRIPT], { input: JSON.stringify(input), encoding: "utf8" })) as PyResult;
    fx = storeFixture(kind);
    store = await fx.open();
    for (let i = 0; i < events.length; i += 1000) await store.insertBatch(events.slice(i, i + 1000));
    k5 = await computeReport(store, { k: 5 });
    k3 = await computeReport(store, { k: 3 });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await fx?.cleanup();
  });

  it("hit@1..5 = top_k_accuracy_score, accuracy = accuracy_score, MRR = label_ranking_average_precision_score", () => {
    const q = k5.quality.find((x) => x.model === "xsingle");
    expect(q?.labeled).toBe(400);
    for (const [j, v] of py.hitAt.entries()) close(q?.hitAt[j], v);
    close(q?.accuracy, py.accuracy);
    close(q?.mrr, py.mrr);
  });

  it("NDCG@3 and NDCG@5 = ndcg_score with several relevant ids per prediction", () => {
    close(k3.quality.find((x) => x.model === "xmulti")?.ndcg, py.ndcg["3"]);
    close(k5.quality.find((x) => x.model === "xmulti")?.ndcg, py.ndcg["5"]);
  });

  it("MAE = mean_absolute_error", () => {
    close(k5.quality.find((x) => x.model === "xreg")?.mae, py.mae);
  });

  it("drift: JS distance = scipy jensenshannon(base=2) on the same bins; PSI as NumPy computes it", () => {
    const x = k5.drift.find(
      (d) => d.model === "xdrift" && d.feature === "x" && d.windowStart === new Date(W2).toISOString(),
    );
    const ch = k5.drift.find(
      (d) => d.model === "xdrift" && d.feature === "channel" && d.windowStart === new Date(W2).toISOString(),
    );
    expect(x?.n).toBe(500);
    close(x?.js, py.numeric.js);
    close(x?.psi, py.numeric.psi);
    close(ch?.js, py.categorical.js);
    close(ch?.psi, py.categorical.psi);
  });

  it("business metric by accepted rank: means, sd, and Welch's 95 % interval = NumPy + scipy.stats.t.ppf (ttest_ind's statistic)", () => {
    const rows = k5.businessByUse.filter((b) => b.model === "xbiz" && b.windowStart === null);
    close(rows.find((b) => b.use === "no suggestion used")?.mean, py.business.baselineMean);
    for (const rank of ["1", "2", "3"]) {
      const ours = rows.find((b) => b.use === `rank ${rank}`);
      const theirs = py.business.welch[rank] as PyResult["business"]["welch"][string];
      close(ours?.mean, theirs.mean);
      close(ours?.sd, theirs.sd);
      close(ours?.differenceToNoSuggestion, theirs.diff);
      // The t quantile comes from our own incomplete beta function: to 1e-9 relative (1e-8 s on ±50 s), not 1e-9 absolute.
      expect(Math.abs((ours?.ciLow as number) - theirs.low)).toBeLessThan(1e-9 * Math.abs(theirs.low));
      expect(Math.abs((ours?.ciHigh as number) - theirs.high)).toBeLessThan(1e-9 * Math.abs(theirs.high));
    }
  });
});
