/**
 * Strings built to break SQL quoting (quotes, backslashes, comment markers, control characters, any
 * Unicode) in every column a query touches, through ingest into SQLite (parameterized) and ClickHouse
 * (escaped literals): each event is stored exactly as sent or refused with a reason, and the join
 * queries, which put the same strings into WHERE clauses, find exactly it. ClickHouse must be running
 * (scripts/setup/); if it is not, this fails.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Collector, createCollector, openClickHouseStore, openSqliteStore, type Store } from "@inferlog/collector";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wireFeedback, wirePrediction } from "./test/events.js";
import { BATCH, raw } from "./test/raw-http.js";

const CLICKHOUSE_URL = process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
const RUNS = Number(process.env.INFERLOG_FUZZ_RUNS ?? "40");
const nasty = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  fc.constantFrom(
    "'",
    "\\",
    "\\'",
    "''",
    "' OR '1'='1",
    "x'); DROP TABLE events; --",
    "/* */",
    "`",
    '"',
    "\t\n\r",
    "%_",
    "{x}",
    "\u2028",
    "é\u0301",
  ),
  fc.string({ unit: fc.constantFrom("'", "\\", '"', "a", "\n", "-", ";", "\u0000"), minLength: 1, maxLength: 20 }),
);

const stores: { kind: string; open: () => Promise<Store>; cleanup: () => Promise<void> }[] = [
  (() => {
    const dir = mkdtempSync(join(tmpdir(), "inferlog-rel-sql-"));
    return {
      kind: "sqlite",
      open: async () => openSqliteStore({ path: join(dir, "e.db") }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  })(),
  (() => {
    const database = `inferlog_reliability_${process.pid}_${Date.now()}`;
    return {
      kind: "clickhouse",
      open: () => openClickHouseStore({ url: CLICKHOUSE_URL, database }),
      cleanup: async () => {
        await fetch(CLICKHOUSE_URL, { method: "POST", body: `DROP DATABASE IF EXISTS ${database}` });
      },
    };
  })(),
];

describe.each(stores)("quoting-hostile strings into $kind", (store) => {
  let collector: Collector;
  let url: string;
  beforeAll(async () => {
    collector = await createCollector({ store: await store.open() });
    url = `${(await collector.listen({ port: 0, host: "127.0.0.1" })).url}/v1/events`;
  });
  afterAll(async () => {
    await collector?.close({ timeoutMs: 1_000 });
    await store.cleanup();
  });

  it(`stores them verbatim or refuses them by field, and finds them by the same strings (${RUNS} runs)`, async () => {
    let accepted = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ model: nasty, pid: nasty, label: nasty, key: nasty, value: nasty }), async (gen) => {
        // Runs share one store, and shrinking repeats values: a suffix keeps each run's prediction its own.
        const s = { ...gen, pid: `${gen.pid}#${run++}` };
        const p = wirePrediction(s.pid, {
          model: { name: s.model, version: s.value },
          output: { label: s.label, score: 0.5 },
          features: { [s.key]: s.value },
          tags: { segment: s.value },
        });
        const f = wireFeedback(s.pid);
        f.data.modelName = s.model;
        const r = await raw(url, { headers: BATCH, body: JSON.stringify([p, f]) });
        expect(r.status).toBe(200);
        const reply = r.json() as { accepted: number; rejected: { index: number; reason: string }[] };
        const counts = await collector.store.eventIdCounts();
        for (const rej of reply.rejected) expect(rej.reason).toMatch(/`[^`]+`|UTF-16/);
        const refused = new Set(reply.rejected.map((x) => x.index));
        expect([counts.has(p.id), counts.has(f.id)]).toEqual([!refused.has(0), !refused.has(1)]);
        if (refused.has(0)) return; // a reserved key such as `constructor`: refused by field, nothing stored
        accepted++;
        expect(JSON.parse((await collector.store.rawEvent(p.id)) ?? "null")).toEqual(p);
        expect(await collector.store.joinedPrediction(s.model, s.pid)).toMatchObject({
          predictionId: s.pid,
          modelName: s.model,
          label: s.label,
          feedback: refused.has(1) ? 0 : 1,
        });
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 2);
    // Nothing leaked across rows: every id is counted once and the tables still answer.
    expect([...(await collector.store.eventIdCounts()).values()].every((n) => n === 1)).toBe(true);
    expect((await collector.store.tableCounts()).predictions).toBe(accepted);
  });
});
