import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteParams } from "../store/bound-params.js";
import { sqliteDialect } from "./dialect-sqlite.js";
import { resolveReportOptions } from "./options.js";
import { SqliteParams } from "./sqlite-params.js";

const db = new Database(":memory:");
afterAll(() => db.close());
db.exec(`CREATE TABLE predictions (model_name TEXT NOT NULL, prediction_id TEXT NOT NULL);
  CREATE INDEX predictions_join ON predictions (model_name, prediction_id);`);

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

describe("the models with predictions, by a skip along the index (SQLite)", () => {
  it("is empty for an empty table", async () => {
    expect(await names()).toEqual([]);
    expect(await names("router")).toEqual([]);
  });

  it("gives every model once, in SQLite's order, as DISTINCT does", async () => {
    const models = ["router", "ranker", "quo'te\u0000x", "Zeta", "ünï", "router-2", "a", "😀"];
    const insert = db.prepare("INSERT INTO predictions VALUES (?, ?)");
    for (let i = 0; i < 3_000; i++) insert.run(models[(i * 7) % models.length], `p${i}`);
    expect(await names()).toEqual(distinct());
    expect(await names()).toHaveLength(models.length);
    expect(await names("quo'te\u0000x")).toEqual(["quo'te\u0000x"]);
    expect(await names("nobody")).toEqual([]);
  });
});
