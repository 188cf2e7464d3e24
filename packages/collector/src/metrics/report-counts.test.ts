import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventType } from "@inferlog/core";
import { seededRandom } from "@inferlog/test-support/seeded-random";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validEvent } from "../../test/test-support.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { metricsContext, type ReadRows } from "./context.js";
import { FRESHNESS_GROUPS, freshnessCountsSqlite } from "./freshness-sqlite.js";
import { type ReportOptions, resolveReportOptions } from "./options.js";
import { orphans } from "./orphans.js";
import { MONDAY_MS, windowStart } from "./sql-common.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse("2026-03-02T00:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "inferlog-report-counts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Seeded predictions at odd times over 12 days (some without k, some of two versions), accepted feedback naming
 * candidates by id or position, outcomes with and without their prediction's time, and outcomes and feedback
 * for predictions that never come.
 */
function events(): IncomingEvent[] {
  const r = seededRandom(29);
  const ev = (type: EventType, timeMs: number, id: string, data: Record<string, unknown>) =>
    validEvent("report-counts-test", type, timeMs, id, data);
  const out: IncomingEvent[] = [];
  for (let i = 0; i < 400; i++) {
    const t = START + Math.floor(r() * 12 * DAY);
    const pid = `q${i}`;
    const name = r() < 0.8 ? "m1" : "m2";
    const linked = { predictionId: pid, modelName: name, predictionTime: new Date(t).toISOString() };
    const items = ["a", "b", "c", "d", "e", "f"].sort(() => r() - 0.5).slice(0, 4);
    // One in ten predictions never arrives: its outcome and feedback are orphans.
    if (r() >= 0.1) {
      out.push(
        ev("ml.prediction", t, `p-${i}`, {
          predictionId: pid,
          model: {
            name,
            version: t < START + 7 * DAY ? "v1" : "v2",
            dataCutoff: new Date(START + 3 * DAY).toISOString(),
          },
          task: "ranking",
          output: {
            label: items[0],
            ...(r() < 0.5 ? { k: 2 } : {}),
            candidates: items.map((id, rank) => ({ id, rank: rank + 1, itemAgeSeconds: Math.floor(r() * 5 * 86_400) })),
          },
        }),
      );
    }
    if (r() < 0.7) {
      const byId = r() < 0.5;
      out.push(
        ev("ml.feedback", t + Math.floor(r() * HOUR), `f-${i}`, {
          ...(r() < 0.5 ? linked : { predictionId: pid, modelName: name }),
          action: r() < 0.7 ? "accepted" : "ignored",
          kind: "explicit",
          ...(byId ? { candidateId: items[Math.floor(r() * 4)] } : { position: Math.floor(r() * 4) }),
        }),
      );
    }
    if (r() < 0.6) {
      out.push(
        ev("ml.outcome", t + Math.floor(r() * DAY), `o-${i}`, {
          ...(r() < 0.5 ? linked : { predictionId: pid, modelName: name }),
          source: "human",
          label: items[Math.floor(r() * 4)],
        }),
      );
    }
  }
  return out;
}

// Freshness and the orphan counts as the report computed them from every row before schema 9.
const SHOWN_ROWS = (shown: string) => `SELECT c.model_name, c.model_version, c.time_ms, c.candidate_id,
    EXISTS (SELECT 1 FROM feedback f WHERE f.model_name = c.model_name AND f.prediction_id = c.prediction_id
      AND f.action = 'accepted' AND (f.candidate_id = c.candidate_id OR f.position + 1 = c.rank)) AS accepted
  FROM (${shown}) c`;
const ORPHANS_FROM_ROWS = `SELECT model_name, w, SUM(is_o) AS outcomes, SUM(is_o * orphan) AS orphan_outcomes,
    SUM(1 - is_o) AS feedback, SUM((1 - is_o) * orphan) AS orphan_feedback
  FROM (SELECT x.model_name, (x.t - ((x.t - @offset) % @width)) AS w, x.is_o,
      CASE WHEN EXISTS (SELECT 1 FROM predictions p WHERE p.model_name = x.model_name AND p.prediction_id = x.prediction_id)
        THEN 0 ELSE 1 END AS orphan
    FROM (SELECT model_name, prediction_id, COALESCE(prediction_time_ms, time_ms) AS t, 1 AS is_o FROM outcomes
      UNION ALL
      SELECT model_name, prediction_id, COALESCE(prediction_time_ms, time_ms) AS t, 0 AS is_o FROM feedback) x
    WHERE x.t >= @from_ms AND x.t < @to_ms AND (@any_model = 1 OR x.model_name = @model))
  GROUP BY model_name, w ORDER BY model_name, w`;

describe("a SQLite report's counts kept at ingest (schema 9)", () => {
  let store: Store;
  beforeAll(async () => {
    store = openSqliteStore({ path: join(dir, "counts.db") });
    // Shuffled, in small batches: feedback and outcomes often come before their prediction.
    const r = seededRandom(5);
    const all = events()
      .map((event) => ({ event, key: r() }))
      .sort((left, right) => left.key - right.key)
      .map(({ event }) => event);
    for (let i = 0; i < all.length; i += 7) await store.insertBatch(all.slice(i, i + 7));
  });
  afterAll(() => store.close());

  const cases: ReportOptions[] = [
    {},
    { window: "hour", k: 1 },
    { window: "day", from: START + 5 * HOUR + 1234, to: START + 9 * DAY + 2 * HOUR + 77 },
    { window: "week", k: 3, model: "m1", from: START + 1, to: START + 11 * DAY - 1 },
    { window: "hour", from: START + 20 * 60_000, to: START + 40 * 60_000 },
  ];
  it.each(cases)("give the counts of every row (%o)", async (options) => {
    const resolved = resolveReportOptions(options);
    const read: ReadRows = async (sql, params = {}) => (await store.readRows?.(sql, params)) ?? [];
    const ctx = metricsContext("sqlite", resolved, read);
    // v2 knew no item (all new), m1's v1 every one (all old), m2's v1 has no cutoff.
    const cutoff = `CASE WHEN model_version = 'v2' THEN ${START - 10 * DAY} WHEN model_name = 'm1' THEN ${START + 3 * DAY} ELSE NULL END`;
    const fromRows = await ctx.query(`SELECT ${FRESHNESS_GROUPS.join(", ")}, COUNT(*) AS cnt FROM (
        SELECT model_name, model_version, ${windowStart("time_ms", resolved.windowMs)} AS w, accepted,
          CASE WHEN first_ms > cutoff_ms THEN 1 ELSE 0 END AS is_new FROM (
          SELECT model_name, model_version, time_ms, accepted, first_ms, ${cutoff} AS cutoff_ms FROM (
            SELECT s.model_name, s.model_version, s.time_ms, s.accepted, f.first_ms FROM (${SHOWN_ROWS(ctx.shown)}) s
            JOIN item_state f ON f.model_name = s.model_name AND f.candidate_id = s.candidate_id))
        WHERE cutoff_ms IS NOT NULL)
      GROUP BY ${FRESHNESS_GROUPS.join(", ")} ORDER BY ${FRESHNESS_GROUPS.join(", ")}`);
    const counted = await freshnessCountsSqlite(ctx, SHOWN_ROWS(ctx.shown), cutoff);
    expect(counted).toEqual(fromRows);
    // Both new and old items, accepted and not, in most cases.
    if (options.from === undefined) expect(new Set(counted.map((row) => `${row.is_new}${row.accepted}`)).size).toBe(4);

    const orphanRows = await read(ORPHANS_FROM_ROWS, {
      offset: resolved.windowMs === 7 * DAY ? MONDAY_MS : 0,
      width: resolved.windowMs,
      from_ms: resolved.fromMs,
      to_ms: resolved.toMs,
      any_model: resolved.model === undefined ? 1 : 0,
      model: resolved.model ?? "",
    });
    const reported = await orphans("sqlite", read, resolved);
    expect(
      reported.map((row) => [
        row.model,
        row.windowStart,
        row.outcomes,
        row.orphanOutcomes,
        row.feedback,
        row.orphanFeedback,
      ]),
    ).toEqual(
      orphanRows.map((row) => [
        row.model_name,
        new Date(Number(row.w)).toISOString(),
        row.outcomes,
        row.orphan_outcomes,
        row.feedback,
        row.orphan_feedback,
      ]),
    );
    if (options.from === undefined)
      expect(reported.some((row) => row.orphanOutcomes > 0 && row.orphanFeedback > 0)).toBe(true);
  });
});
