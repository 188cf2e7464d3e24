import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventType } from "@inferlog/core";
import { seededRandom } from "@inferlog/test-support/seeded-random";
import { afterAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { validEvent } from "../../test/test-support.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { IncomingEvent } from "../store/types.js";
import { computeReportWith } from "./compute-report.js";
import { metricsContext, type ReadRows } from "./context.js";
import { feedbackByExposureAge, feedbackByWindow, feedbackSections } from "./feedback.js";
import { type ReportOptions, resolveReportOptions } from "./options.js";

/** Where the last report's worker share ran (true: in the worker thread). */
let inWorker: boolean | undefined;
const run = (worker: boolean) => ({
  worker,
  onShare: (w: boolean) => {
    inWorker = w;
  },
});

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "inferlog-report-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS: ReportOptions[] = [
  { now: W1 + 20 * DAY, minLabels: 1 },
  { now: W1 + 20 * DAY, window: "day", k: 2 },
  { now: W1 + 20 * DAY, window: "hour", from: W1 + DAY + 1234, to: W1 + 9 * DAY - 5, model: "router" },
  { now: W1 + 20 * DAY, referenceFrom: W1 + 7 * DAY, referenceTo: W1 + 14 * DAY },
];

describe("a SQLite report with its share in a worker thread", () => {
  it.each(OPTIONS)("equals the report computed on one connection (%o)", async (options) => {
    const store = openSqliteStore({ path: join(dir, `r${Math.random()}.db`) });
    await seedMetricsFixture(store);
    const settings = async () =>
      [await store.readRows?.("PRAGMA mmap_size"), await store.readRows?.("PRAGMA cache_size")].flat();
    const before = await settings();
    expect(before).toEqual([{ mmap_size: 0 }, { cache_size: expect.any(Number) }]);
    const one = await computeReportWith(store, options, run(false));
    expect(inWorker).toBe(false);
    const two = await computeReportWith(store, options, run(true));
    expect(inWorker).toBe(true);
    expect({ ...two, generatedAt: "" }).toEqual({ ...one, generatedAt: "" });
    // Something of every section the worker computes is compared.
    expect(one.feedback.length + one.exposureAge.length + one.itemAge.length).toBeGreaterThan(0);
    if (options.referenceFrom === undefined) expect(one.drift.length).toBeGreaterThan(0);
    // The report's TEMP tables are gone afterwards, and the store's connection has its settings back.
    expect(await store.readRows?.("SELECT name FROM sqlite_temp_master")).toEqual([]);
    expect(await settings()).toEqual(before);
    await store.close();
  });

  it("lets reports started together on one connection take turns (serve's monitors and an HTTP report)", async () => {
    const store = openSqliteStore({ path: join(dir, `r${Math.random()}.db`) });
    await seedMetricsFixture(store);
    const options = OPTIONS[0] as ReportOptions;
    const alone = await computeReportWith(store, options, run(true));
    // Before they took turns, one report's restored temp_store deleted the other's TEMP tables.
    const together = await Promise.all([1, 2, 3].map(() => computeReportWith(store, options, run(true))));
    for (const r of together) expect({ ...r, generatedAt: "" }).toEqual({ ...alone, generatedAt: "" });
    expect(await store.readRows?.("SELECT name FROM sqlite_temp_master")).toEqual([]);
    await store.close();
  });

  it("runs on the store's connection alone for an in-memory store", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    await seedMetricsFixture(store);
    const r = await computeReportWith(store, OPTIONS[0] as ReportOptions, run(true));
    expect(inWorker).toBe(false);
    expect(r.quality.length).toBeGreaterThan(0);
    await store.close();
  });
});

/** Exposures over three weeks for 30 subjects (some without one), with feedback of every kind on some. */
function exposureEvents(): IncomingEvent[] {
  const r = seededRandom(9);
  const ev = (type: EventType, timeMs: number, id: string, data: Record<string, unknown>) =>
    validEvent("fb-test", type, timeMs, id, data);
  const out: IncomingEvent[] = [];
  for (let i = 0; i < 400; i++) {
    const t = W1 + Math.floor(r() * 21 * DAY);
    const link = { predictionId: `e${i}`, modelName: r() < 0.7 ? "router" : "other" };
    if (r() < 0.8) {
      out.push(
        ev("ml.prediction", t, `ep-${i}`, {
          predictionId: link.predictionId,
          model: { name: link.modelName, version: r() < 0.5 ? "v1" : "v2" },
          task: "multiclass",
          output: { label: "a" },
        }),
      );
    }
    const subject = r() < 0.2 ? {} : { subjectKey: `s${Math.floor(r() * 30)}` };
    out.push(
      ev("ml.exposure", t, `ee-${i}`, { ...link, ...subject, shown: [{ id: "a", position: 0 }], surface: "inbox" }),
    );
    for (const action of ["accepted", "ignored", "dismissed", "rejected"]) {
      if (r() < 0.2) out.push(ev("ml.feedback", t + 1000, `ef-${i}-${action}`, { ...link, action, kind: "explicit" }));
    }
  }
  return out;
}

describe("the feedback sections from one pass over the exposed relation", () => {
  it.each(["hour", "day", "week"] as const)("equal the two GROUP BYs (%s windows)", async (window) => {
    const store = openSqliteStore({ path: ":memory:" });
    await seedMetricsFixture(store);
    await store.insertBatch(exposureEvents());
    const readRows: ReadRows = (sql, params) => (store.readRows as ReadRows)(sql, params);
    for (const options of [{ window }, { window, model: "router", from: W1 + 2 * DAY + 5, to: W1 + 15 * DAY }]) {
      const o = resolveReportOptions({ now: W1 + 30 * DAY, ...options });
      const ctx = metricsContext("sqlite", o, readRows);
      const one = await feedbackSections(ctx);
      expect(one.feedback).toEqual(await feedbackByWindow(ctx));
      expect(one.exposureAge).toEqual(await feedbackByExposureAge(ctx));
      expect(one.feedback.length).toBeGreaterThan(2);
      expect(one.exposureAge.length).toBeGreaterThan(2);
    }
    await store.close();
  });
});
