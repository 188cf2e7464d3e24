import type { InferlogEvent } from "@inferlog/core";
import { beforeAll, describe, expect, it } from "vitest";
import { feedback, outcome, prediction, STORE_KINDS, T0_MS, useStore } from "../../test/test-support.js";
import { renderReportHtml } from "../report/render-html.js";
import { renderReportText } from "../report/render-text.js";
import type { Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import type { Report } from "./types.js";

const DAY = 86_400_000;
// T0 is Friday 2026-11-20: its week starts on Monday 2026-11-16.
const WEEK1 = "2026-11-16T00:00:00.000Z";
const WEEK2 = "2026-11-23T00:00:00.000Z";

describe.each(STORE_KINDS)("orphans in the %s store", (kind) => {
  let store: Store;
  let report: Report;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    const nextWeekOrphan = feedback("never-logged-3", "ignored");
    nextWeekOrphan.data.predictionTime = new Date(T0_MS + 7 * DAY).toISOString();
    const events = [
      prediction({ predictionId: "p-a" }),
      prediction({ predictionId: "p-b" }),
      prediction({ predictionId: "p-c" }),
      outcome("p-a", "billing"),
      outcome("p-a", "tech", 2),
      outcome("p-b", "billing"),
      outcome("never-logged-1", "billing"),
      outcome("never-logged-2", "sales"),
      feedback("p-a"),
      feedback("p-c", "rejected"),
      feedback("never-logged-1"),
      nextWeekOrphan,
    ];
    await store.insertBatch(events.map((event) => ({ event: event as unknown as InferlogEvent, receivedMs: T0_MS })));
    report = await computeReport(store, { now: T0_MS + 30 * DAY });
  });

  it("counts outcomes and feedback whose prediction id was never seen, per window", () => {
    expect(report.orphans).toEqual([
      {
        model: "ticket-router",
        windowStart: WEEK1,
        outcomes: 5,
        orphanOutcomes: 2,
        feedback: 3,
        orphanFeedback: 1,
        orphanShare: 3 / 8,
      },
      {
        model: "ticket-router",
        windowStart: WEEK2,
        outcomes: 0,
        orphanOutcomes: 0,
        feedback: 1,
        orphanFeedback: 1,
        orphanShare: 1,
      },
    ]);
  });

  it("reads a store no monitor has run on without creating the monitors' tables", async () => {
    expect(report.alerts).toEqual({ firing: [], recent: [] });
    const sql =
      kind === "sqlite"
        ? "SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('alert_events', 'monitor_state', 'monitor_claims')"
        : "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name IN ('alert_events', 'monitor_state', 'monitor_claims')";
    expect((await store.readRows?.(sql))?.map((r) => Number(r.n))).toEqual([0]);
  });

  it("keeps to the report's model and time range", async () => {
    const other = await computeReport(store, { now: T0_MS + 30 * DAY, model: "another-model" });
    expect(other.orphans).toEqual([]);
    const firstWeek = await computeReport(store, { now: T0_MS + 30 * DAY, to: WEEK2 });
    expect(firstWeek.orphans.map((o) => [o.windowStart, o.orphanOutcomes, o.orphanFeedback])).toEqual([[WEEK1, 2, 1]]);
  });

  it("shows them beside label coverage in the text and HTML reports", () => {
    const text = renderReportText(report);
    const table = text.slice(text.indexOf("Label coverage and orphans"));
    const lines = table.split("\n");
    expect(lines[1]).toMatch(
      /model\s+week\s+due\s+labeled\s+coverage\s+outcomes\s+orphan\s+feedback\s+orphan\s+orphan share/,
    );
    // Three predictions due, two with an outcome; 5 outcomes (2 orphans), 3 feedback (1 orphan).
    expect(lines[3]?.trim().split(/\s+/)).toEqual([
      "ticket-router",
      "2026-11-16",
      "3",
      "2",
      "66.7%",
      "5",
      "2",
      "3",
      "1",
      "37.5%",
    ]);
    expect(lines[4]?.trim().split(/\s+/)).toEqual([
      "ticket-router",
      "2026-11-23",
      "0",
      "0",
      "–",
      "0",
      "0",
      "1",
      "1",
      "100.0%",
    ]);
    const html = renderReportHtml(report);
    expect(html).toContain('<table id="table-labels">');
    expect(html).toContain(
      "<td>ticket-router</td><td>2026-11-16</td><td>3</td><td>2</td><td>66.7%</td><td>5</td><td>2</td><td>3</td><td>1</td><td>37.5%</td>",
    );
  });
});
