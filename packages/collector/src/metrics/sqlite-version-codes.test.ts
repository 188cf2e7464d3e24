import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteParams } from "../store/bound-params.js";
import { registerSqliteFunctions } from "../store/sqlite-functions.js";
import { sqliteDialect } from "./dialect-sqlite.js";
import { SqliteParams } from "./sqlite-params.js";
import { withVersionCodes } from "./sqlite-version-codes.js";
import type { VersionRow } from "./types.js";

const db = new Database(":memory:");
registerSqliteFunctions(db);
afterAll(() => db.close());

// Two models, their versions, an exposure-style '(unknown)' version and texts a literal could not hold.
const PAIRS = [
  ["router", "v1"],
  ["router", "v2"],
  ["ranker", "v7"],
  ["router", "(unknown)"],
  ["quo'te\u0000", "v1"],
];
db.exec("CREATE TABLE t (model_name TEXT, model_version TEXT, w INTEGER, x REAL)");
const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
for (let i = 0; i < 2000; i++) {
  const [model, version] = PAIRS[(i * 7) % PAIRS.length] as [string, string];
  insert.run(model, version, (i % 3) * 100, i % 11 === 0 ? null : ((i * 37) % 101) / 4);
}

const version = (model: string, name: string): VersionRow =>
  ({ model, version: name, firstSeen: "", lastSeen: "", predictions: 1 }) as VersionRow;

/** A dialect and its query function over `db`, each with its own bound values, like one report's. */
function reportDialect() {
  const params = new SqliteParams();
  const dialect = sqliteDialect(params);
  const query = async (sql: string) => db.prepare(sql).all(sqliteParams(params.values)) as Record<string, unknown>[];
  return { dialect, query };
}

describe("aggregates with the listed model versions as integer codes", () => {
  // Listed: every pair but one, so the last case falls back to the texts.
  const cases: [string, VersionRow[]][] = [
    ["every version listed", PAIRS.map(([model, name]) => version(model as string, name as string))],
    ["a version not listed", PAIRS.slice(1).map(([model, name]) => version(model as string, name as string))],
    ["no versions", []],
  ];
  for (const [name, versions] of cases) {
    it(`gives the rows the texts give (${name})`, async () => {
      const plain = reportDialect();
      const coded = reportDialect();
      const codes = withVersionCodes(coded.dialect, versions);
      const groups = ["model_name", "model_version", "w"];
      expect(await codes.counts(coded.query, "SELECT * FROM t", groups)).toEqual(
        await plain.dialect.counts(plain.query, "SELECT * FROM t", groups),
      );
      for (const g of [groups, groups.slice(0, 2)]) {
        const expected = await plain.dialect.quantiles(plain.query, "SELECT * FROM t", g, "x * 2", [0.5, 0.9]);
        expect(expected.length).toBeGreaterThan(4);
        expect(await codes.quantiles(coded.query, "SELECT * FROM t", g, "x * 2", [0.5, 0.9])).toEqual(expected);
      }
      // Groups that do not start with the pair go to the dialect as they are.
      expect(await codes.counts(coded.query, "SELECT * FROM t", ["w"])).toEqual(
        await plain.dialect.counts(plain.query, "SELECT * FROM t", ["w"]),
      );
    });
  }
});
