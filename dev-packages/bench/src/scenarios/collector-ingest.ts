/**
 * Events per second into SQLite through the collector's HTTP endpoint, next to the same rows
 * inserted straight into better-sqlite3 (same schema, pragmas, prepared statements and one
 * transaction per batch): the limit the collector is measured against.
 * The HTTP path adds reading, JSON parsing, schema validation and the reply on top of that.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7 } from "@inferlog/core";
import { createCollector } from "../../../../packages/collector/src/collector.js";
import { toRows } from "../../../../packages/collector/src/store/rows.js";
import { SQLITE_DDL } from "../../../../packages/collector/src/store/sqlite-schema.js";
import { prepareRowWriter } from "../../../../packages/collector/src/store/sqlite-writer.js";
import { emit, median, type Row } from "../measure.js";
import { postBatch } from "../post-batch.js";
import { features, output } from "../prediction.js";

// better-sqlite3 is the collector's dependency, not the bench's: load it from there.
const Database = createRequire(new URL("../../../../packages/collector/package.json", import.meta.url))(
  "better-sqlite3",
);

const EVENTS = 20_000;
const BATCH = 500;
const CONCURRENCY = 4;
const RUNS = 3;

const event = (i: number) => {
  const predictionId = uuidv7(Date.now());
  return {
    specversion: "1.0",
    id: uuidv7(Date.now()),
    type: "ml.prediction",
    source: "bench",
    time: new Date().toISOString(),
    subject: predictionId,
    data: {
      predictionId,
      model: { name: "router", version: "v1", trainedAt: "2026-11-01T00:00:00Z" },
      task: "multiclass",
      output: { ...output, candidates: output.candidates.map((c, r) => ({ ...c, rank: r + 1 })) },
      features: features(i),
    },
  };
};

/** Fresh events per run, so every run inserts new ids (no dedup shortcut). */
const makeBatches = () => {
  const out: ReturnType<typeof event>[][] = [];
  for (let i = 0; i < EVENTS; i += BATCH) out.push(Array.from({ length: BATCH }, (_, k) => event(i + k)));
  return out;
};

async function viaCollector(dir: string, run: number): Promise<number> {
  const bodies = makeBatches().map((b) => JSON.stringify(b));
  const collector = await createCollector({ store: `sqlite:${join(dir, `http-${run}.db`)}` });
  const { port } = await collector.listen({ port: 0, host: "127.0.0.1" });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) await postBatch(port, agent, bodies[next++] as string, BATCH);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const counts = await collector.store.tableCounts();
  if (counts.events !== EVENTS) throw new Error(`collector stored ${counts.events} events, expected ${EVENTS}`);
  agent.destroy();
  await collector.close();
  return EVENTS / seconds;
}

function direct(dir: string, run: number): number {
  const batches = makeBatches().map((b) => b.map((e) => toRows({ event: e as never, receivedMs: Date.now() })));
  const db = new Database(join(dir, `direct-${run}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(SQLITE_DDL);
  const write = prepareRowWriter(db);
  const tx = db.transaction((rows: ReturnType<typeof toRows>[]) => {
    for (const r of rows) write(r);
    write.flush(); // the batch's hourly drift counts, written before the commit as the collector does
  });
  const t0 = performance.now();
  for (const b of batches) tx(b);
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return EVENTS / seconds;
}

const dir = mkdtempSync(join(tmpdir(), "inferlog-bench-collector-"));
try {
  const http: number[] = [];
  const limit: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    limit.push(direct(dir, run));
    http.push(await viaCollector(dir, run));
  }
  const note = `${EVENTS} predictions (10 features, 3 candidates) in batches of ${BATCH}, WAL, synchronous=FULL`;
  const rows: Row[] = [
    {
      metric: "ingest into SQLite",
      subject: "inferlog",
      value: median(http),
      unit: "events/s",
      better: "higher",
      note: `HTTP, ${CONCURRENCY} connections`,
    },
    {
      metric: "ingest into SQLite",
      subject: "better-sqlite3 direct (limit)",
      value: median(limit),
      unit: "events/s",
      better: "higher",
      note,
    },
  ];
  emit("collector-ingest", rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
