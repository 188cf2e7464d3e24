/**
 * Report speed on a large SQLite store: writes N events (a ticket router's predictions, exposures,
 * feedback and outcomes, four per ticket), then times computeReport. Run from packages/collector:
 *   node --conditions=source --import tsx bench/bench-report.ts [events=1000000] [path] [one]
 * e.g. `... bench-report.ts 1000000 /tmp/bench1m-v5.db`. A path that already holds the events skips the
 * writing (a file of an older schema is brought up to date when opened, before the timing); `one` keeps the
 * report on the store's connection instead of sharing it with a worker thread.
 * Figures (schema 5 against schema 4, run alternately on the shared 2-core machine), CPU per step and what
 * is left: docs/collector.md#reports.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InferlogEvent } from "@inferlog/core";
import { computeReportWith } from "../src/metrics/compute-report.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import type { IncomingEvent } from "../src/store/types.js";

const total = Number(process.argv[2] ?? 1_000_000);
const path = process.argv[3] ?? join(tmpdir(), `inferlog-report-bench-${total}.db`);
const DAY = 86_400_000;
const START = Date.parse("2026-09-07T00:00:00Z");
const QUEUES = ["billing", "technical", "account", "shipping", "returns"];
const iso = (ms: number) => new Date(ms).toISOString();

const fresh = !existsSync(path);
const store = openSqliteStore({ path, synchronous: "NORMAL" });
if (fresh) {
  const t0 = Date.now();
  let s = 1;
  const r = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const tickets = Math.floor(total / 4);
  let batch: IncomingEvent[] = [];
  for (let i = 0; i < tickets; i++) {
    const t = START + Math.floor((i / tickets) * 56 * DAY);
    const pid = `p${i}`;
    const order = [...QUEUES].sort(() => r() - 0.5).slice(0, 3);
    const truth = r() < 0.8 ? (order[0] as string) : (QUEUES[Math.floor(r() * 5)] as string);
    const version = t < START + 35 * DAY ? "v1" : "v2";
    const subjectKey = `agent-${Math.floor(r() * 40)}`;
    const ev = (type: string, time: number, data: Record<string, unknown>) => ({
      event: {
        specversion: "1.0",
        id: `${type}-${i}`,
        type,
        source: "bench",
        time: iso(time),
        subject: pid,
        data,
      } as unknown as InferlogEvent,
      receivedMs: time,
    });
    const linked = { predictionId: pid, modelName: "router", predictionTime: iso(t), subjectKey };
    batch.push(
      ev("ml.prediction", t, {
        predictionId: pid,
        model: { name: "router", version, trainedAt: iso(version === "v1" ? START - 2 * DAY : START + 34 * DAY) },
        task: "ranking",
        output: {
          label: order[0],
          score: 0.5 + r() / 2,
          k: 3,
          candidates: order.map((id, k) => ({
            id,
            rank: k + 1,
            score: 1 - k / 3,
            itemAgeSeconds: Math.floor(r() * 1e6),
          })),
        },
        features: {
          words: Math.floor(r() * 400),
          plan: r() < 0.3 ? "pro" : "free",
          channel: r() < 0.6 ? "email" : "chat",
          sentiment: r() * 2 - 1,
          hasOrderId: r() < 0.4,
        },
        subjectKey,
        outcomeTtlSeconds: 4 * 86_400,
      }),
      ev("ml.exposure", t, { ...linked, shown: order.map((id, position) => ({ id, position })), surface: "sidebar" }),
      ev("ml.feedback", t + 30_000, { ...linked, action: r() < 0.7 ? "accepted" : "ignored", kind: "explicit" }),
      ev("ml.outcome", t + DAY + Math.floor(r() * 2 * DAY), {
        ...linked,
        label: truth,
        relevantIds: [truth],
        source: "human",
        revision: 0,
        metrics: { handleTimeSavedSec: Math.floor(r() * 120) },
      }),
    );
    if (batch.length >= 10_000) {
      await store.insertBatch(batch);
      batch = [];
    }
  }
  await store.insertBatch(batch);
  console.log(`wrote ${tickets * 4} events to ${path} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const counts = await store.tableCounts();
const t1 = performance.now();
const cpu0 = process.cpuUsage();
// A third argument `one` computes everything on the store's connection (no worker thread), for comparison.
const report = await computeReportWith(store, { now: START + 60 * DAY }, { worker: process.argv[4] !== "one" });
const ms = performance.now() - t1;
const cpu = process.cpuUsage(cpu0);
// CPU time next to wall time: on a shared machine the wall clock also counts other processes' turns.
console.log(
  `report over ${counts.events} events (${counts.predictions} predictions, ${counts.features} feature rows): ` +
    `${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`,
);
console.log(
  `rows: ${report.quality.length} quality, ${report.drift.length} drift, ${report.modelAge.length} model age`,
);
await store.close();
