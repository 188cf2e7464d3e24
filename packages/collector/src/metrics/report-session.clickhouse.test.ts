import { beforeAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { clickhouseClientOf, type StoreFixture, useStore } from "../../test/test-support.js";
import type { Store } from "../store/types.js";
import { computeReport, computeReportWith } from "./compute-report.js";
import type { ReportOptions } from "./options.js";

const DAY = 86_400_000;
const OPTIONS: ReportOptions[] = [
  { now: W1 + 20 * DAY, minLabels: 1 },
  { now: W1 + 20 * DAY, window: "day", k: 2 },
  { now: W1 + 20 * DAY, window: "hour", from: W1 + DAY + 1234, to: W1 + 9 * DAY - 5, model: "router" },
  { now: W1 + 20 * DAY, referenceFrom: W1 + 7 * DAY, referenceTo: W1 + 14 * DAY },
];
const numbers = (r: Awaited<ReturnType<typeof computeReport>>) => ({ ...r, generatedAt: "" });

describe("a ClickHouse report (session TEMPORARY tables, drift in one pass, FINAL only where copies count)", () => {
  let fx: StoreFixture;
  let store: Store;
  const once = new Map<ReportOptions, unknown>();
  useStore("clickhouse", "all", (open) => {
    store = open.store;
    fx = open.fx;
  });
  beforeAll(async () => {
    await seedMetricsFixture(store);
    for (const options of OPTIONS) once.set(options, numbers(await computeReport(store, options)));
  });

  it("gives the same report when reports run at the same time (each in a session of its own)", async () => {
    const together = await Promise.all(OPTIONS.map((options) => computeReport(store, options)));
    together.forEach((report, i) => {
      expect(numbers(report)).toEqual(once.get(OPTIONS[i] as ReportOptions));
    });
  });

  it("gives the same report on one session as with a second one beside it (clickhouse-aside.ts)", async () => {
    // `worker: false`: every section on the report's own session, one after another.
    for (const options of OPTIONS) {
      expect(numbers(await computeReportWith(store, options, { worker: false }))).toEqual(once.get(options));
    }
  });

  it("counts every event once while every row of it is stored twice and not yet merged", async () => {
    const ch = clickhouseClientOf(fx);
    const tables = await ch.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = '${ch.database}' AND engine LIKE '%MergeTree'`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["predictions", "outcomes", "exposures", "feedback", "features", "candidates"]),
    );
    // What a second writer that did not see the first leaves: a second copy of every row, in parts of its own.
    for (const { name } of tables)
      await ch.exec(`INSERT INTO ${ch.database}.${name} SELECT * FROM ${ch.database}.${name}`);
    const [copies] = await ch.rows<{ n: number }>("SELECT count() AS n FROM predictions");
    const [distinct] = await ch.rows<{ n: number }>("SELECT count() AS n FROM predictions FINAL");
    expect(copies?.n).toBe(2 * (distinct?.n ?? 0));
    for (const options of OPTIONS) expect(numbers(await computeReport(store, options))).toEqual(once.get(options));
  });
});
