import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventType } from "@inferlog/core";
import { seededRandom } from "@inferlog/test-support/seeded-random";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validEvent } from "../../test/test-support.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { metricsContext, type ReadRows } from "./context.js";
import { binOf, drift } from "./drift.js";
import { type ReportOptions, resolveReportOptions } from "./options.js";
import type { MetricsContext } from "./run.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse("2026-03-02T00:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "inferlog-drift-counts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Seeded predictions over 12 days at odd times, with outcomes (some revised) and values that are sometimes NULL. */
function events(): IncomingEvent[] {
  const r = seededRandom(12); // gives the one-hour case below rows of every kind it checks for
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const ev = (type: EventType, timeMs: number, id: string, data: Record<string, unknown>) =>
    validEvent("drift-counts-test", type, timeMs, id, data);
  const out: IncomingEvent[] = [];
  for (let i = 0; i < 600; i++) {
    // Later days shift the mix, so drift is not zero.
    const t = START + Math.floor(r() * 12 * DAY);
    const late = t > START + 6 * DAY;
    const pid = `q${i}`;
    const model = { name: r() < 0.8 ? "m1" : "m2", version: "v1" };
    const label = r() < 0.1 ? undefined : pick(late ? ["a", "b", "b", "c"] : ["a", "a", "b", "d"]);
    const features: Record<string, unknown> = {
      plan: r() < 0.1 ? null : pick(late ? ["pro", "free", "team"] : ["pro", "free", "free"]),
      flag: r() < 0.5,
      size: Math.floor(r() * 50),
    };
    // A few predictions whose feature `mixed` holds numbers in some rows and text in others.
    if (r() < 0.3) features.mixed = r() < 0.5 ? Math.floor(r() * 3) : pick(["x", "y"]);
    out.push(
      ev("ml.prediction", t, `p-${i}`, {
        predictionId: pid,
        model,
        task: "multiclass",
        output: label === undefined ? {} : { label },
        features,
      }),
    );
    if (r() < 0.7) {
      const link = { predictionId: pid, modelName: model.name };
      const truth = r() < 0.1 ? undefined : pick(["a", "b", "c"]);
      out.push(
        ev("ml.outcome", t + HOUR, `o-${i}`, {
          ...link,
          source: "human",
          ...(truth === undefined ? { relevantIds: ["a"] } : { label: truth }),
        }),
      );
      if (r() < 0.3) {
        out.push(ev("ml.outcome", t + 2 * HOUR, `o2-${i}`, { ...link, source: "human", label: "c", revision: 1 }));
      }
    }
  }
  return out;
}

function shuffled<T>(xs: T[]): T[] {
  const r = seededRandom(5);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const at = (days: number, ms = 0) => START + days * DAY + ms;
const OPTIONS: ReportOptions[] = [
  {},
  { window: "day" },
  { window: "hour", from: at(1, 1_234_567), to: at(4, -777) },
  { window: "day", from: at(2, 17), to: at(9, 3_599_999), referenceFrom: at(3, 5), referenceTo: at(4, 1_800_000) },
  { window: "week", from: at(5, 100), to: at(11, 200_000) },
  { window: "day", model: "m1", referenceFrom: at(8), referenceTo: at(20) },
  { window: "hour", from: at(6, 30 * 60_000), to: at(6, 90 * 60_000) },
];

describe("categorical drift from the counts kept at ingest", () => {
  let store: Store;
  beforeAll(async () => {
    store = openSqliteStore({ path: join(dir, "d.db") });
    // Shuffled, in batches, each re-sending part of the previous one.
    const all = shuffled(events());
    for (let i = 0; i < all.length; i += 50) await store.insertBatch(all.slice(Math.max(0, i - 7), i + 50));
  });
  afterAll(() => store.close());

  it.each(OPTIONS)("equals drift counted over every row (%o)", async (options) => {
    const o = resolveReportOptions({ now: at(30), ...options });
    const base = metricsContext("sqlite", o, (sql, params) => (store.readRows as ReadRows)(sql, params));
    const fromCounts = await drift(base satisfies MetricsContext);
    const { categoricalRows: _, ...scanning } = base.dialect;
    const fromRows = await drift({ ...base, dialect: scanning });
    expect(fromCounts).toEqual(fromRows);
    // Categorical drift of features and of both labels is compared in every case (and of the feature with
    // numbers and text where its reference window has text).
    const kinds = new Set(fromRows.filter((r) => r.kind === "categorical").map((r) => r.feature));
    for (const f of ["plan", "flag", "label:predicted", "label:true"]) expect(kinds.has(f), f).toBe(true);
    expect(fromRows.some((r) => r.psi > 0)).toBe(true);
  });
});

describe("numeric drift bins by bisection", () => {
  it("puts each value in the bin of the number of edges below it, for 0 to 9 edges", () => {
    const db = new Database(":memory:");
    const values = [-1e300, -3, -2.5, -2, -1, 0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 7, 7.5, 8, 9, 10, 1e300];
    for (let m = 0; m <= 9; m++) {
      const edges = Array.from({ length: m }, (_, i) => i - 2 + (i % 3) / 4);
      const stmt = db.prepare(`SELECT ${binOf(edges, 0, edges.length)} AS b FROM (SELECT ? AS num_value)`);
      for (const v of values) {
        expect((stmt.get(v) as { b: number }).b, `${v} among ${edges}`).toBe(edges.filter((e) => v > e).length);
      }
    }
    db.close();
  });
});
