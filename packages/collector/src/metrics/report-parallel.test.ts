import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite-store.js";
import { seedMetricsFixture, W1 } from "./metrics-fixture.js";
import type { ReportOptions } from "./options.js";
import { computeReportWith, lastReportUsedWorker } from "./report.js";

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
    const one = await computeReportWith(store, options, { worker: false });
    expect(lastReportUsedWorker).toBe(false);
    const two = await computeReportWith(store, options, { worker: true });
    expect(lastReportUsedWorker).toBe(true);
    expect({ ...two, generatedAt: "" }).toEqual({ ...one, generatedAt: "" });
    // Something of every section the worker computes is compared.
    expect(one.feedback.length + one.exposureAge.length + one.itemAge.length).toBeGreaterThan(0);
    if (options.referenceFrom === undefined) expect(one.drift.length).toBeGreaterThan(0);
    // The report's TEMP tables are gone afterwards, on the store's connection.
    expect(await store.readRows?.("SELECT name FROM sqlite_temp_master")).toEqual([]);
    await store.close();
  });

  it("runs on the store's connection alone for an in-memory store", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    await seedMetricsFixture(store);
    const r = await computeReportWith(store, OPTIONS[0] as ReportOptions, { worker: true });
    expect(lastReportUsedWorker).toBe(false);
    expect(r.quality.length).toBeGreaterThan(0);
    await store.close();
  });
});
