import type { InferlogEvent } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import { exposure, features, feedback, outcome, prediction, T0_MS } from "../../test/test-support.js";
import { clickhouseTableLines } from "./clickhouse-table-lines.js";
import { clickhouseTableRows } from "./clickhouse-table-rows.js";
import { toRows } from "./rows.js";
import type { IncomingEvent } from "./types.js";

const DAY = 86_400_000;
const profile = {
  specversion: "1.0",
  id: "profile-1",
  source: "test",
  type: "ml.feature_profile",
  time: new Date(T0_MS + DAY).toISOString(),
  data: {
    model: { name: "ticket-router", version: "v3" },
    windowStart: new Date(T0_MS).toISOString(),
    windowEnd: new Date(T0_MS + DAY).toISOString(),
    columns: {
      plan: { kind: "categorical", count: 3, nulls: 0, topValues: [{ value: "pro", count: 3 }] },
    },
  },
};

describe("ClickHouse rows serialized event by event", () => {
  it("are the rows clickhouseTableRows builds, for every event type, days across midnight and repeats skipped", async () => {
    const p = prediction();
    const pid = p.data.predictionId as string;
    const late = prediction({ timeMs: T0_MS + 3 * DAY + 1 });
    const withMetrics = outcome(pid, "billing", 2);
    (withMetrics.data as Record<string, unknown>).metrics = { saved: 42 };
    const events = [p, late, withMetrics, exposure(pid), feedback(pid), features(), profile, p];
    const batch = events.map((event) => ({ event: event as unknown as InferlogEvent, receivedMs: T0_MS }));
    const fresh = batch.map((_, i) => i < batch.length - 1);
    const lines = await clickhouseTableLines(batch, fresh);
    const { derived, events: eventRows } = clickhouseTableRows(batch.slice(0, -1).map((e: IncomingEvent) => toRows(e)));
    const expected = Object.fromEntries([...derived, eventRows].map((t) => [t.table, t.rows]));
    const parsed: Record<string, Record<string, unknown>[]> = Object.fromEntries(
      Object.entries(lines).map(([table, rows]) => [table, rows.map((l) => JSON.parse(l))]),
    );
    expect(parsed).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(parsed.events?.map((r) => r.day)).toEqual([
      "2026-11-20",
      "2026-11-23",
      "2026-11-20",
      "2026-11-20",
      "2026-11-20",
      "2026-11-20",
      "2026-11-21",
    ]);
    expect(parsed.features?.filter((r) => r.prediction_id === "")).toHaveLength(2);
    expect(lines.feature_profiles).toHaveLength(1);
    expect(lines.outcome_metrics).toHaveLength(1);
  });
});
