import { seededRandom } from "@inferlog/test-support/seeded-random";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { COUNTS_FN, QUANTILES_FN, registerSqliteFunctions } from "./sqlite-functions.js";

const db = new Database(":memory:");
registerSqliteFunctions(db);
afterAll(() => db.close());

// Rows in runs of one group (the fast path) and interleaved, with keys SQL tells apart: 1 and '1', NULL, ''.
const KEYS: unknown[][] = [
  ["a", 1],
  ["a", "1"],
  ["b", 1],
  [null, 1],
  ["", null],
  ["a", 2],
];
const r = seededRandom(3);
const rows: unknown[][] = [];
for (let i = 0; i < 3000; i++) {
  const run = 1 + Math.floor(r() * 6);
  const keys = KEYS[Math.floor(r() * KEYS.length)] as unknown[];
  for (let j = 0; j < run; j++) rows.push([...keys, r() < 0.05 ? null : Math.round(r() * 1000) / 8]);
}
db.exec("CREATE TABLE t (g1, g2, x)");
const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
for (const row of rows) insert.run(...row);

const sorted = (xs: unknown[][]) => xs.map((x) => JSON.stringify(x)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe("the hash-grouping aggregates", () => {
  it(`${COUNTS_FN} counts the rows of each group as GROUP BY does`, () => {
    const { j } = db.prepare(`SELECT ${COUNTS_FN}(g1, g2) AS j FROM t`).get() as { j: string };
    const expected = db.prepare("SELECT g1, g2, COUNT(*) AS n FROM t GROUP BY g1, g2").raw().all() as unknown[][];
    expect(sorted(JSON.parse(j))).toEqual(sorted(expected));
  });

  it(`${QUANTILES_FN} gives each group's values at floor(q · n) of the sorted values, their count and sum`, () => {
    const { j } = db.prepare(`SELECT ${QUANTILES_FN}('[0.5, 0.9]', x, g1, g2) AS j FROM t`).get() as { j: string };
    const expected: unknown[][] = [];
    const groups = db.prepare("SELECT DISTINCT g1, g2 FROM t WHERE x IS NOT NULL").raw().all() as unknown[][];
    for (const [g1, g2] of groups) {
      const xs = (
        db
          .prepare("SELECT x FROM t WHERE g1 IS ? AND g2 IS ? AND x IS NOT NULL ORDER BY x")
          .raw()
          .all(g1, g2) as number[][]
      ).map((v) => v[0] as number);
      const { total } = db
        .prepare("SELECT SUM(x) AS total FROM (SELECT x FROM t WHERE g1 IS ? AND g2 IS ? AND x IS NOT NULL ORDER BY x)")
        .get(g1, g2) as { total: number };
      const at = (q: number) => xs[Math.trunc(q * xs.length)];
      expected.push([g1, g2, at(0.5), at(0.9), xs.length, total]);
    }
    expect(sorted(JSON.parse(j))).toEqual(sorted(expected));
  });
});
