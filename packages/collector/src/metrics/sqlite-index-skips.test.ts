import { seededRandom } from "@inferlog/test-support/seeded-random";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteParams } from "../store/bound-params.js";
import { sqliteDialect } from "./dialect-sqlite.js";
import { resolveReportOptions } from "./options.js";
import { SqliteParams } from "./sqlite-params.js";

const db = new Database(":memory:");
afterAll(() => db.close());
db.exec(`CREATE TABLE predictions (model_name TEXT NOT NULL, prediction_id TEXT NOT NULL, model_version TEXT NOT NULL,
    time_ms INTEGER NOT NULL);
  CREATE INDEX predictions_join ON predictions (model_name, prediction_id);
  CREATE INDEX predictions_model_time ON predictions (model_name, model_version, time_ms);`);

const names = async (model?: string) => {
  const params = new SqliteParams();
  const sql = sqliteDialect(params).modelNames(
    resolveReportOptions({ now: 0, ...(model === undefined ? {} : { model }) }),
  );
  return (db.prepare(sql).all(sqliteParams(params.values)) as { model_name: string }[]).map((row) => row.model_name);
};
const distinct = () =>
  (db.prepare("SELECT DISTINCT model_name FROM predictions ORDER BY model_name").all() as { model_name: string }[]).map(
    (row) => row.model_name,
  );

describe("the models with predictions, by a skip along an index (SQLite)", () => {
  it("is empty for an empty table", async () => {
    expect(await names()).toEqual([]);
    expect(await names("router")).toEqual([]);
  });

  it("gives every model once, in SQLite's order, as DISTINCT does", async () => {
    const models = ["router", "ranker", "quo'te\u0000x", "Zeta", "ünï", "router-2", "a", "😀"];
    const insert = db.prepare("INSERT INTO predictions VALUES (?, ?, ?, ?)");
    for (let i = 0; i < 3_000; i++) insert.run(models[(i * 7) % models.length], `p${i}`, "v1", i);
    expect(await names()).toEqual(distinct());
    expect(await names()).toHaveLength(models.length);
    expect(await names("quo'te\u0000x")).toEqual(["quo'te\u0000x"]);
    expect(await names("nobody")).toEqual([]);
  });
});

describe("a model's first prediction in a range, by seeks along an index (SQLite)", () => {
  const first = (model: string, from: number, to: number) => {
    const params = new SqliteParams();
    const sql = sqliteDialect(params).firstPredictionTime(model, from, to);
    return (db.prepare(sql).get(sqliteParams(params.values)) as { t: number | null }).t;
  };
  const scan = (model: string, from: number, to: number) =>
    (
      db
        .prepare("SELECT MIN(time_ms) AS t FROM predictions WHERE model_name = ? AND time_ms >= ? AND time_ms < ?")
        .get(model, from, to) as { t: number | null }
    ).t;

  it("gives the least time of any version in [from, to), or NULL, as a scan of the model's rows does", () => {
    const r = seededRandom(41);
    const insert = db.prepare("INSERT INTO predictions VALUES (?, ?, ?, ?)");
    const versions = ["v1", "v10", "v2", "(unknown)", "ü", "v'3\u0000"];
    for (let i = 0; i < 4_000; i++) {
      const model = r() < 0.5 ? "skip-a" : "skip-b";
      insert.run(model, `s${i}`, versions[Math.floor(r() * versions.length)], Math.floor(r() * 100_000) - 20_000);
    }
    let some = 0;
    for (let c = 0; c < 300; c++) {
      const from = Math.floor(r() * 120_000) - 30_000;
      const to = from + Math.floor(r() * (c % 3 === 0 ? 50 : 40_000));
      for (const model of ["skip-a", "skip-b", "nobody"]) {
        const expected = scan(model, from, to);
        expect(first(model, from, to), `${model} [${from}, ${to})`).toBe(expected);
        if (expected !== null) some++;
      }
    }
    expect(some).toBeGreaterThan(300); // most ranges hold rows, a few do not
    expect(first("nobody", -1e15, 1e15)).toBeNull();
  });
});
