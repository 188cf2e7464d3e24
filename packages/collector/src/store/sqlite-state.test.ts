import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventType, validateEvent } from "@inferlog/core";
import { seededRandom } from "@inferlog/test-support/seeded-random";
import { afterAll, describe, expect, it } from "vitest";
import { driftEvents, routerEvents, W1 } from "../../test/metrics-fixture.js";
import { computeReport } from "../metrics/compute-report.js";
import type { Report } from "../metrics/types.js";
import { DRIFT_COUNTS_FROM_ROWS } from "./sqlite-drift-counts.js";
import {
  ACCEPTED_POSITION_FROM_ROWS,
  ORPHAN_COUNTS_FROM_ROWS,
  SHOWN_COUNTS_FROM_ROWS,
} from "./sqlite-report-counts.js";
import { SQLITE_SCHEMA_VERSION } from "./sqlite-schema.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { IncomingEvent, Store } from "./types.js";

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "inferlog-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const open = () => openSqliteStore({ path: join(dir, `s${files++}.db`) });

// Each state table as the report computed it from every stored row before the writer kept it.
const FROM_ROWS: Record<string, string> = {
  outcome_state: `SELECT model_name, prediction_id, event_id, revision, time_ms, label, relevant_ids,
      (SELECT MIN(o.time_ms) FROM outcomes o WHERE o.model_name = l.model_name AND o.prediction_id = l.prediction_id) AS first_ms
    FROM latest_outcomes l ORDER BY model_name, prediction_id`,
  exposure_state: `SELECT model_name, prediction_id, MIN(e_ms) AS first_ms, MAX(subject_key) AS subject_key,
      MAX(acc) AS accepted, MAX(ign) AS ignored, MAX(rej) AS rejected,
      (SELECT MIN(p.model_version) FROM predictions p
        WHERE p.model_name = x.model_name AND p.prediction_id = x.prediction_id AND p.shadow = 0) AS model_version
    FROM (SELECT model_name, prediction_id, time_ms AS e_ms, subject_key, 0 AS acc, 0 AS ign, 0 AS rej FROM exposures
      UNION ALL SELECT model_name, prediction_id, NULL, NULL, action = 'accepted', action IN ('ignored', 'dismissed'),
        action = 'rejected' FROM feedback) x
    GROUP BY model_name, prediction_id ORDER BY model_name, prediction_id`,
  subject_state: `SELECT model_name, subject_key, MIN(time_ms) AS first_ms FROM exposures WHERE subject_key IS NOT NULL
    GROUP BY model_name, subject_key ORDER BY model_name, subject_key`,
  // Schema 3: candidate rows carry their prediction's version, time and k.
  candidates: `SELECT c.event_id, c.prediction_id, c.model_name, c.rank, c.candidate_id, c.score, c.item_age_s,
      p.model_version, p.time_ms, p.k
    FROM candidates c JOIN predictions p ON p.event_id = c.event_id ORDER BY c.event_id, c.rank, c.candidate_id`,
  // Schema 4: each prediction row's label_rank, as the report computed it with json_each before the writer kept it.
  label_rank: `SELECT p.event_id, CASE WHEN o.event_id IS NULL THEN NULL ELSE COALESCE((SELECT MIN(t.key) + 1
        FROM json_each(p.top_ids) t WHERE CASE WHEN o.relevant_ids <> '[]'
          THEN t.value IN (SELECT r.value FROM json_each(o.relevant_ids) r) ELSE t.value = o.label END), 0) END AS label_rank
    FROM predictions p LEFT JOIN latest_outcomes o ON o.model_name = p.model_name AND o.prediction_id = p.prediction_id
    ORDER BY p.event_id`,
  // Schema 5: drift counts per hour, as GROUP BY over the stored rows gives them (no row of count 0).
  drift_counts: `SELECT * FROM (${DRIFT_COUNTS_FROM_ROWS}) ORDER BY model_name, source, name, hour_ms, is_null, value`,
  // Schema 6: each item's first appearance, as the report computed it from every candidate row.
  item_state: `SELECT model_name, candidate_id, MIN(time_ms - COALESCE(item_age_s, 0) * 1000) AS first_ms FROM candidates
    GROUP BY model_name, candidate_id ORDER BY model_name, candidate_id`,
  // Schema 9: shown candidates, orphans and accepted positions, as GROUP BY over the stored rows gives them.
  shown_counts: `SELECT * FROM (${SHOWN_COUNTS_FROM_ROWS})
    ORDER BY model_name, hour_ms, model_version, candidate_id, rank, accepted`,
  orphan_counts: `SELECT * FROM (${ORPHAN_COUNTS_FROM_ROWS}) ORDER BY model_name, hour_ms, is_o, orphan`,
  accepted_position: `SELECT * FROM (${ACCEPTED_POSITION_FROM_ROWS}) ORDER BY model_name, prediction_id`,
  // Schema 9: each prediction row's copy of its latest outcome (from the rows, as outcome_state is above).
  prediction_outcome: `SELECT p.event_id, l.event_id AS o_event_id, l.label AS o_label, l.relevant_ids AS o_rel,
      (SELECT MIN(o.time_ms) FROM outcomes o WHERE o.model_name = p.model_name AND o.prediction_id = p.prediction_id)
        AS o_first_ms
    FROM predictions p LEFT JOIN latest_outcomes l ON l.model_name = p.model_name AND l.prediction_id = p.prediction_id
    ORDER BY p.event_id`,
};
const OWN: Record<string, string> = {
  label_rank: "SELECT event_id, label_rank FROM predictions ORDER BY event_id",
  // The writer's counts move between rows; one that fell to 0 may stay.
  shown_counts: `SELECT * FROM shown_counts WHERE cnt <> 0
    ORDER BY model_name, hour_ms, model_version, candidate_id, rank, accepted`,
  orphan_counts: "SELECT * FROM orphan_counts WHERE cnt <> 0 ORDER BY model_name, hour_ms, is_o, orphan",
  prediction_outcome: "SELECT event_id, o_event_id, o_label, o_rel, o_first_ms FROM predictions ORDER BY event_id",
};
const ORDER: Record<string, string> = {
  outcome_state: "model_name, prediction_id",
  exposure_state: "model_name, prediction_id",
  subject_state: "model_name, subject_key",
  candidates: "event_id, rank, candidate_id",
  drift_counts: "model_name, source, name, hour_ms, is_null, value",
  item_state: "model_name, candidate_id",
  accepted_position: "model_name, prediction_id",
};
const REPORT_COUNT_TABLES = ["shown_counts", "orphan_counts", "accepted_position"];
const STATE_TABLES = ["outcome_state", "exposure_state", "subject_state"];

let seq = 0;
function ev(type: EventType, timeMs: number, data: Record<string, unknown>, id = `st-${seq++}`): IncomingEvent {
  const r = validateEvent(type, {
    specversion: "1.0",
    id,
    type,
    source: "state-test",
    time: new Date(timeMs).toISOString(),
    data,
  });
  if (!r.ok) throw new Error(`test event invalid: ${JSON.stringify(r.error)}`);
  return { event: r.event, receivedMs: timeMs };
}
const link = (pid: string) => ({ predictionId: pid, modelName: "router" });

/** The metric fixture plus the cases the state rules must settle: ties, late revisions, orphans. */
function events(): IncomingEvent[] {
  const t = W1 + 3 * DAY;
  return [
    ...routerEvents(),
    ...driftEvents(),
    // P1: a revision 1 that is older than its revision 0 still wins; P4: same revision and time, the higher id wins.
    ev("ml.outcome", W1 + DAY + 1000, { ...link("P1"), source: "human", label: "b", revision: 1 }),
    ev("ml.outcome", t + 4 * DAY, { ...link("P4"), source: "human", label: "c" }, "st-z-late-id"),
    // Feedback without an exposure, an exposure without a prediction, a second exposure of P1 (earlier, new subject).
    ev("ml.feedback", t, { ...link("P5"), action: "dismissed", kind: "explicit" }),
    ev("ml.exposure", t, {
      ...link("P-orphan"),
      shown: [{ id: "a", position: 0 }],
      surface: "inbox",
      subjectKey: "s3",
    }),
    ev("ml.exposure", W1 + DAY - 5000, {
      ...link("P1"),
      shown: [{ id: "a", position: 0 }],
      surface: "inbox",
      subjectKey: "s9",
    }),
    // P7: two prediction rows an hour apart (one without a label, a feature of value null); its first outcome
    // has relevant ids and no label, its revision 1 the label q, which both rows' true-label counts move to.
    ev("ml.prediction", t + 7_200_000, {
      predictionId: "P7",
      model: { name: "router", version: "v1" },
      task: "ranking",
      output: { candidates: [{ id: "a", rank: 1 }] },
      features: { plan: null, words: 3 },
    }),
    ev("ml.prediction", t + 10_800_000, {
      predictionId: "P7",
      model: { name: "router", version: "v1" },
      task: "ranking",
      // An item first seen here, at a fractional age: its first appearance is not a whole millisecond count.
      output: {
        label: "a",
        candidates: [
          { id: "a", rank: 1 },
          { id: "n", rank: 2, itemAgeSeconds: 1.2345 },
        ],
      },
      features: { plan: "pro" },
    }),
    // Accepted feedback naming a candidate by id (twice: the second changes nothing), by position (P3's c, and
    // P7's second rank: P7 has no k, so whether rank 2 is shown is the report's k), and for an unknown prediction.
    ev("ml.feedback", t + 1000, { ...link("P2"), action: "accepted", kind: "explicit", candidateId: "b" }),
    ev("ml.feedback", t + 2000, { ...link("P2"), action: "accepted", kind: "explicit", candidateId: "b" }),
    ev("ml.feedback", t + 3000, { ...link("P3"), action: "accepted", kind: "explicit", position: 2 }),
    ev("ml.feedback", t + 3000, { ...link("P3"), action: "accepted", kind: "explicit", position: 4 }),
    ev("ml.feedback", t + 10_900_000, { ...link("P7"), action: "accepted", kind: "explicit", position: 1 }),
    ev("ml.feedback", t, { ...link("P-orphan"), action: "accepted", kind: "explicit", candidateId: "a" }),
    ev("ml.outcome", t + DAY, { ...link("P7"), source: "human", relevantIds: ["a"] }),
    ev("ml.outcome", t + 2 * DAY, { ...link("P7"), source: "human", label: "q", revision: 1 }),
    // Challengers of P1 and P7 (schema 6), with features and candidates: they name no exposure's version (the
    // least version "a-challenger" sorts before v1), add no candidate rows and no drift counts.
    ...["P1", "P7"].map((pid) =>
      ev("ml.prediction", t + 10_800_000, {
        predictionId: pid,
        model: { name: "router", version: "a-challenger" },
        shadow: true,
        task: "ranking",
        output: { label: "z", candidates: [{ id: "z", rank: 1 }] },
        features: { plan: "shadow-only" },
      }),
    ),
  ];
}
const isShadow = (e: IncomingEvent) => (e.event.data as { shadow?: boolean }).shadow === true;

/** Seeded shuffle: outcomes, exposures and feedback often arrive before their prediction. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const r = seededRandom(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function state(store: Store, from = false): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [table, sql] of Object.entries(FROM_ROWS)) {
    out[table] = await store.readRows?.(from ? sql : (OWN[table] ?? `SELECT * FROM ${table} ORDER BY ${ORDER[table]}`));
  }
  return out;
}
/** What a schema-5 file lacks: the shadow column of schema 6. */
async function dropShadow(store: Store): Promise<void> {
  await store.readRows?.("ALTER TABLE predictions DROP COLUMN shadow");
}
/** The layouts of events, features and candidates before schema 8 (each file of schema 1 to 7 has them). */
const SCHEMA7_LAYOUTS: [table: string, ddl: string][] = [
  [
    "events",
    `CREATE TABLE events (id TEXT PRIMARY KEY, type TEXT NOT NULL, source TEXT NOT NULL, time_ms INTEGER NOT NULL,
      received_ms INTEGER NOT NULL, subject TEXT, prediction_id TEXT, model_name TEXT, samplerate REAL NOT NULL,
      raw TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX events_type_time ON events (type, time_ms)`,
  ],
  [
    "features",
    `CREATE TABLE features (event_id TEXT NOT NULL, prediction_id TEXT, model_name TEXT NOT NULL,
      model_version TEXT NOT NULL, time_ms INTEGER NOT NULL, name TEXT NOT NULL, num_value REAL, str_value TEXT,
      PRIMARY KEY (event_id, name));
    CREATE INDEX features_values ON features (model_name, name, time_ms, num_value, str_value)`,
  ],
  [
    "candidates",
    `CREATE TABLE candidates (event_id TEXT NOT NULL, prediction_id TEXT NOT NULL, model_name TEXT NOT NULL,
      rank INTEGER NOT NULL, candidate_id TEXT NOT NULL, score REAL, item_age_s REAL, model_version TEXT,
      time_ms INTEGER, k INTEGER, PRIMARY KEY (event_id, rank, candidate_id));
    CREATE INDEX candidates_join ON candidates (model_name, prediction_id)`,
  ],
];
/** Rebuilds the tables schema 8 changed in their schema-7 layouts, rows kept. */
async function schema7Layouts(store: Store): Promise<void> {
  for (const [table, ddl] of SCHEMA7_LAYOUTS) {
    await store.readRows?.(`ALTER TABLE ${table} RENAME TO ${table}_new`);
    for (const index of await (store.readRows?.(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '${table}_new' AND sql IS NOT NULL`,
    ) ?? []))
      await store.readRows?.(`DROP INDEX ${index.name}`);
    for (const statement of ddl.split(";")) await store.readRows?.(statement);
    await store.readRows?.(`INSERT INTO ${table} SELECT * FROM ${table}_new`);
    await store.readRows?.(`DROP TABLE ${table}_new`);
  }
}
/** What a schema-2 file lacks: the columns schemas 3 and 4 added (and schema 6's). */
async function dropNewer(store: Store): Promise<void> {
  await dropShadow(store);
  await store.readRows?.("ALTER TABLE predictions DROP COLUMN label_rank");
  for (const column of ["model_version", "time_ms", "k"]) {
    await store.readRows?.(`ALTER TABLE candidates DROP COLUMN ${column}`);
  }
  await store.readRows?.("ALTER TABLE exposure_state DROP COLUMN model_version");
}
const report = async (store: Store): Promise<Report> => ({
  ...(await computeReport(store, { now: W1 + 20 * DAY, minLabels: 1 })),
  generatedAt: "",
});

describe("the SQLite writer's report state", () => {
  const all = events();

  it("equals what the stored rows give, for any arrival order and with every batch partly re-sent", async () => {
    const inOrder = open();
    await inOrder.insertBatch(all);
    const expected = await state(inOrder, true);
    expect(await state(inOrder)).toEqual(expected);
    expect((expected.exposure_state as unknown[]).length).toBeGreaterThan(4);
    expect((expected.candidates as unknown[]).length).toBeGreaterThan(4);
    const ranks = (expected.label_rank as { label_rank: number | null }[]).map((r) => r.label_rank);
    // P1 and P2 rank 2 (P1's label revised to b), P3 3 (two relevant ids), P4 3 (the later id wins), P5 no outcome,
    // P7 0 (its label q is not among its candidates).
    expect(new Set(ranks)).toEqual(new Set([null, 0, 2, 3]));
    // Every source of drift counts, NULL values (P7's feature plan and first row's label), and true labels that a
    // revision moved: P1's a went to b (no row of count 0 is left), both P7 rows' NULL went to q.
    const counts = expected.drift_counts as { source: number; is_null: number; value: string; cnt: number }[];
    expect(new Set(counts.map((c) => c.source))).toEqual(new Set([0, 1, 2]));
    expect(counts.some((c) => c.source === 2 && c.value === "b")).toBe(true);
    const trueCounts = (v: string) =>
      counts.filter((c) => c.source === 2 && c.value === v).reduce((a, c) => a + c.cnt, 0);
    expect(trueCounts("q")).toBe(2);
    expect(counts.some((c) => c.source === 2 && c.value === "a" && c.cnt === 1)).toBe(false);
    expect(new Set(counts.filter((c) => c.is_null === 1).map((c) => c.source))).toEqual(new Set([0, 1]));
    // The challengers' label z, feature value and candidate z are nowhere but in their own prediction rows.
    expect(counts.some((c) => c.value === "z" || c.value === "shadow-only")).toBe(false);
    expect((expected.candidates as { candidate_id: string }[]).some((c) => c.candidate_id === "z")).toBe(false);
    const versions = (expected.exposure_state as { model_version: string | null }[]).map((e) => e.model_version);
    expect(versions).not.toContain("a-challenger");
    expect(await inOrder.readRows?.("SELECT COUNT(*) AS n FROM predictions WHERE shadow = 1")).toEqual([{ n: 2 }]);
    // Schema 9: the least accepted position per prediction (P3 named 2 and 4), accepted candidates by id and by
    // position, P2's and P7's ranks kept for the report's k (no k), and orphan feedback (P-orphan has no prediction).
    expect(expected.accepted_position).toEqual([
      { model_name: "router", prediction_id: "P3", position: 2 },
      { model_name: "router", prediction_id: "P7", position: 1 },
    ]);
    const shown = expected.shown_counts as { candidate_id: string; rank: number; accepted: number }[];
    expect(shown.filter((c) => c.accepted === 1).map((c) => c.candidate_id)).toEqual(["b", "c", "n"]);
    expect(new Set(shown.map((c) => c.rank))).toEqual(new Set([0, 1, 2, 3]));
    const orphans = expected.orphan_counts as { is_o: number; orphan: number; cnt: number }[];
    expect(orphans.filter((c) => c.orphan === 1 && c.is_o === 0).reduce((a, c) => a + c.cnt, 0)).toBe(1);
    const expectedReport = await report(inOrder);
    await inOrder.close();

    for (const seed of [1, 7, 42, 1234]) {
      const store = open();
      const order = shuffled(all, seed);
      for (let i = 0; i < order.length; i += 5) {
        // Each batch re-sends two events of the previous one: duplicates must change nothing.
        const r = await store.insertBatch([...order.slice(Math.max(0, i - 2), i), ...order.slice(i, i + 5)]);
        expect(r.duplicates).toBe(Math.min(i, 2));
      }
      expect(await state(store)).toEqual(expected);
      expect(await report(store)).toEqual(expectedReport);
      await store.close();
    }
  });

  // What a file of each older schema holds: its rows, without what the later schemas added.
  const older: [version: number, what: string, downgrade: (store: Store) => Promise<void>][] = [
    [
      7,
      "the layouts of events, features and candidates",
      async (store) => {
        await schema7Layouts(store);
      },
    ],
    [
      1,
      "the report state and everything after it",
      async (store) => {
        await schema7Layouts(store);
        for (const table of [...STATE_TABLES, "drift_counts"]) await store.readRows?.(`DELETE FROM ${table}`);
        await dropNewer(store);
        await store.readRows?.("DROP TABLE item_state");
      },
    ],
    [
      2,
      "the schema-3 and schema-4 columns and the drift counts",
      async (store) => {
        await schema7Layouts(store);
        await dropNewer(store);
        await store.readRows?.("DROP TABLE drift_counts");
        await store.readRows?.("DROP TABLE item_state");
      },
    ],
    [
      4,
      "the drift counts",
      async (store) => {
        await schema7Layouts(store);
        await dropShadow(store);
        await store.readRows?.("DROP TABLE drift_counts");
        await store.readRows?.("DROP TABLE item_state");
      },
    ],
    [
      5,
      "the shadow column and the items' first appearances",
      async (store) => {
        await schema7Layouts(store);
        await dropShadow(store);
        await store.readRows?.("DROP TABLE item_state");
      },
    ],
    [
      6,
      "the items' first appearances",
      async (store) => {
        await schema7Layouts(store);
        await store.readRows?.("DROP TABLE item_state");
      },
    ],
    [8, "the report counts", async () => {}],
  ];
  it.each(older)(
    "fills a file of schema %i when it is opened: %s, from the stored rows",
    async (version, _, downgrade) => {
      const path = join(dir, `v${version}.db`);
      const store = openSqliteStore({ path });
      // A file of an older schema holds no challenger.
      await store.insertBatch(all.filter((e) => !isShadow(e)));
      const expected = await state(store, true);
      const expectedReport = await report(store);
      await downgrade(store);
      // Every file before schema 9 lacks its report counts and the predictions' outcome columns.
      for (const table of REPORT_COUNT_TABLES) await store.readRows?.(`DROP TABLE ${table}`);
      for (const column of ["o_event_id", "o_label", "o_rel", "o_first_ms"]) {
        await store.readRows?.(`ALTER TABLE predictions DROP COLUMN ${column}`);
      }
      await store.readRows?.(`PRAGMA user_version = ${version}`);
      await store.close();

      const reopened = openSqliteStore({ path });
      expect(await state(reopened)).toEqual(expected);
      expect(await report(reopened)).toEqual(expectedReport);
      expect(await reopened.readRows?.("PRAGMA user_version")).toEqual([{ user_version: SQLITE_SCHEMA_VERSION }]);
      // Schema 8's layouts: events keeps a rowid, features and candidates are clustered by their keys.
      const layouts = await reopened.readRows?.(
        "SELECT name, sql LIKE '%WITHOUT ROWID' AS clustered FROM sqlite_master WHERE name IN ('events', 'features', 'candidates') ORDER BY name",
      );
      expect(layouts).toEqual([
        { name: "candidates", clustered: 1 },
        { name: "events", clustered: 0 },
        { name: "features", clustered: 1 },
      ]);
      expect(
        await reopened.readRows?.(
          "SELECT name FROM sqlite_master WHERE name LIKE '%schema8%' OR name IN ('events_type_time', 'features_values')",
        ),
      ).toEqual([]);
      await reopened.close();
    },
  );

  it("takes the latest of outcomes tied on revision and time by their ids in SQLite's order, in either arrival order", async () => {
    // U+FF5E sorts after U+1F600 in UTF-16 units (JavaScript's <), before it in UTF-8 bytes (SQLite's BINARY).
    const [bmp, astral] = ["st-\uFF5E", "st-\u{1F600}"];
    const t = W1 + DAY;
    const prediction = ev("ml.prediction", t, {
      predictionId: "P8",
      model: { name: "router", version: "v1" },
      task: "ranking",
      output: { label: "a", candidates: ["a", "b"].map((id, index) => ({ id, rank: index + 1 })) },
    });
    const outcomes = [
      ev("ml.outcome", t + 1000, { ...link("P8"), source: "human", label: "a" }, bmp),
      ev("ml.outcome", t + 1000, { ...link("P8"), source: "human", label: "b" }, astral),
    ];
    for (const [first, second] of [outcomes, [...outcomes].reverse()] as IncomingEvent[][]) {
      const store = open();
      await store.insertBatch([prediction, first as IncomingEvent]);
      await store.insertBatch([second as IncomingEvent]);
      expect(await store.readRows?.("SELECT event_id, label FROM outcome_state")).toEqual([
        { event_id: astral, label: "b" },
      ]);
      expect(await store.readRows?.("SELECT label_rank, o_event_id FROM predictions")).toEqual([
        { label_rank: 2, o_event_id: astral },
      ]);
      expect(await state(store)).toEqual(await state(store, true));
      await store.close();
    }
  });

  it("keeps no drift, shown or orphan counts of a batch that failed and rolled back", async () => {
    const store = open();
    const [first, ...rest] = all;
    // toRows throws on an event without data, after the first event's rows (and counts) were taken in.
    const broken = { event: { ...(first as IncomingEvent).event, id: "broken", data: undefined }, receivedMs: 0 };
    await expect(store.insertBatch([first as IncomingEvent, broken as never])).rejects.toThrow();
    expect(await store.readRows?.("SELECT COUNT(*) AS n FROM drift_counts")).toEqual([{ n: 0 }]);
    // Shown and orphan counts of new rows are summed in memory per batch too (sqlite-report-counts.ts).
    expect(
      await store.readRows?.("SELECT (SELECT COUNT(*) FROM shown_counts) + (SELECT COUNT(*) FROM orphan_counts) AS n"),
    ).toEqual([{ n: 0 }]);
    await store.insertBatch(rest);
    await store.insertBatch([first as IncomingEvent]);
    const expected = await state(store, true);
    expect(await state(store)).toEqual(expected);
    await store.close();
  });
});
