import type { InferlogEvent } from "@inferlog/core";
import { afterAll, describe, expect, it } from "vitest";
import { CLICKHOUSE_URL, exposure, features, feedback, outcome, prediction, T0_MS } from "../../test/test-support.js";
import { ClickHouseClient } from "./clickhouse-http.js";
import { RowBinaryWriter, type ValueEncoder, valueEncoder } from "./clickhouse-row-binary.js";
import { clickhouseDdl } from "./clickhouse-schema.js";
import { clickhouseTableBodies, readTableFormats } from "./clickhouse-table-binary.js";
import { clickhouseTableLines } from "./clickhouse-table-lines.js";
import { STORE_TABLES } from "./types.js";

const DAY = 86_400_000;
const base = `table_binary_${process.pid}_${Date.now()}`;
const clients: ClickHouseClient[] = [];

async function database(suffix: string): Promise<ClickHouseClient> {
  const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database: `${base}_${suffix}` });
  for (const stmt of clickhouseDdl(ch.database)) await ch.exec(stmt, { database: false });
  clients.push(ch);
  return ch;
}
afterAll(async () => {
  for (const ch of clients) await ch.exec(`DROP DATABASE IF EXISTS ${ch.database}`, { database: false });
});

/** Every row of every table, in one order, as ClickHouse answers them. */
async function contents(ch: ClickHouseClient): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of STORE_TABLES) {
    const rows = await ch.rows<Record<string, unknown>>(`SELECT * FROM ${table}`);
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

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
      age: {
        kind: "numeric",
        count: 3,
        nulls: 1,
        min: -1e308,
        max: 2.2250738585072014e-308,
        sum: -0,
        sketch: { relativeAccuracy: 0.01, positive: { "3": 2 }, negative: {}, zeroCount: 0 },
      },
    },
  },
};

describe("RowBinary inserts", () => {
  it("store exactly the rows JSONEachRow stores, for every table, type and awkward value", async () => {
    const p = prediction();
    const pid = p.data.predictionId as string;
    (p.data as Record<string, unknown>).features = {
      text: 'quote " backslash \\ tab \t newline \n nul \u0000 é 😀 \u2028',
      long: "x".repeat(5_000),
      big: 1.7976931348623157e308,
      tiny: -2.2250738585072014e-308,
      zero: -0,
      yes: true,
      none: null,
      list: ["a", "é", ""],
    };
    const late = prediction({ timeMs: T0_MS + 3 * DAY + 1 });
    const withMetrics = outcome(pid, "billing", 2);
    (withMetrics.data as Record<string, unknown>).metrics = { saved: 42, lost: -3.5 };
    const events = [p, late, withMetrics, exposure(pid), feedback(pid), features(), profile, p];
    const batch = events.map((event) => ({ event: event as unknown as InferlogEvent, receivedMs: T0_MS }));
    const fresh = batch.map((_, i) => i < batch.length - 1);

    const viaJson = await database("json");
    const lines = await clickhouseTableLines(batch, fresh);
    for (const [table, rows] of Object.entries(lines)) await viaJson.insertLines(table, rows);

    const viaBinary = await database("binary");
    const formats = await readTableFormats(viaBinary);
    const bodies = await clickhouseTableBodies(batch, fresh, formats);
    expect(bodies.map((b) => b.format)).toEqual(bodies.map(() => "RowBinary"));
    expect(bodies.at(-1)?.table).toBe("events");
    expect(Object.fromEntries(bodies.map((b) => [b.table, b.rows]))).toEqual(
      Object.fromEntries(Object.entries(lines).flatMap(([t, rows]) => (rows.length > 0 ? [[t, rows.length]] : []))),
    );
    for (const body of bodies) {
      if (body.format === "RowBinary") await viaBinary.insertRowBinary(body.table, body.columns, body.chunks);
    }

    const expected = await contents(viaJson);
    expect(expected.features?.length).toBeGreaterThanOrEqual(10);
    expect(await contents(viaBinary)).toEqual(expected);
  });

  it("keep a subnormal number exactly, as SQLite does (18.16's JSON reader makes it 0)", async () => {
    const p = prediction();
    (p.data as Record<string, unknown>).features = { subnormal: -5e-324 };
    const batch = [{ event: p as unknown as InferlogEvent, receivedMs: T0_MS }];
    const ch = await database("subnormal");
    for (const body of await clickhouseTableBodies(batch, [true], await readTableFormats(ch))) {
      if (body.format === "RowBinary") await ch.insertRowBinary(body.table, body.columns, body.chunks);
    }
    expect(await ch.rows("SELECT num_value FROM features")).toEqual([{ num_value: -5e-324 }]);
  });

  it("writes every column type it takes, read back as written", async () => {
    const ch = await database("types");
    const types = {
      s: "String",
      ns: "Nullable(String)",
      a: "Array(String)",
      i64: "Int64",
      i32: "Int32",
      i16: "Int16",
      i8: "Int8",
      u32: "UInt32",
      u16: "UInt16",
      u8: "Nullable(UInt8)",
      f: "Float64",
      d: "Date",
    };
    await ch.exec(
      `CREATE TABLE t (${Object.entries(types)
        .map(([name, type]) => `${name} ${type}`)
        .join(", ")}) ENGINE = Memory`,
    );
    const rows = [
      {
        s: "é😀\t\n'\"",
        ns: null,
        a: ["", "x"],
        i64: -(2 ** 53) + 1,
        i32: -(2 ** 31),
        i16: -32768,
        i8: -128,
        u32: 2 ** 32 - 1,
        u16: 65535,
        u8: true,
        f: -0.1,
        d: Date.parse("2026-12-07T23:59:59Z"),
      },
      {
        s: "",
        ns: "n",
        a: [],
        i64: 2 ** 53 - 1,
        i32: 2 ** 31 - 1,
        i16: 32767,
        i8: 127,
        u32: 0,
        u16: 0,
        u8: null,
        f: 1e308,
        d: DAY,
      },
    ];
    const out = new RowBinaryWriter();
    const encoders = Object.values(types).map((type) => valueEncoder(type) as ValueEncoder);
    for (const row of rows) {
      Object.values(row).forEach((value, i) => {
        (encoders[i] as ValueEncoder)(out, value);
      });
    }
    await ch.insertRowBinary("t", Object.keys(types), out.take());
    expect(await ch.rows("SELECT * FROM t ORDER BY i8")).toEqual([
      {
        s: "é😀\t\n'\"",
        ns: null,
        a: ["", "x"],
        i64: -(2 ** 53) + 1,
        i32: -(2 ** 31),
        i16: -32768,
        i8: -128,
        u32: 2 ** 32 - 1,
        u16: 65535,
        u8: 1,
        f: -0.1,
        d: "2026-12-07",
      },
      {
        s: "",
        ns: "n",
        a: [],
        i64: 2 ** 53 - 1,
        i32: 2 ** 31 - 1,
        i16: 32767,
        i8: 127,
        u32: 0,
        u16: 0,
        u8: null,
        f: 1e308,
        d: "1970-01-02",
      },
    ]);
    expect(valueEncoder("Enum8('a' = 1)")).toBeUndefined();
    expect(valueEncoder("Nullable(Decimal(9, 2))")).toBeUndefined();
  });

  it("writes strings around its short-ASCII path: one- and two-byte lengths, NUL, DEL, the first non-ASCII unit", async () => {
    const ch = await database("strings");
    await ch.exec("CREATE TABLE s (i UInt16, s String) ENGINE = Memory");
    const strings = [
      "",
      "a",
      "\u0000 nul",
      "\u007f",
      "\u0080",
      "abcé",
      "é starts it",
      "ascii then 😀",
      ...[63, 64, 65, 127, 128, 300].map((units) => "x".repeat(units)),
      `${"y".repeat(62)}é`,
    ];
    const out = new RowBinaryWriter();
    const encoders = [valueEncoder("UInt16"), valueEncoder("String")] as ValueEncoder[];
    strings.forEach((value, index) => {
      (encoders[0] as ValueEncoder)(out, index);
      (encoders[1] as ValueEncoder)(out, value);
    });
    await ch.insertRowBinary("s", ["i", "s"], out.take());
    const back = await ch.rows<{ s: string }>("SELECT s FROM s ORDER BY i");
    expect(back.map((row) => row.s)).toEqual(strings);
  });

  it("falls back to JSONEachRow for a table with a column type it does not write", async () => {
    const ch = await database("fallback");
    const formats = await readTableFormats(ch);
    formats.types.get("feedback")?.set("kind", "Enum8('explicit' = 1)");
    const p = prediction();
    const batch = [p, feedback(p.data.predictionId as string)].map((event) => ({
      event: event as unknown as InferlogEvent,
      receivedMs: T0_MS,
    }));
    const bodies = await clickhouseTableBodies(batch, [true, true], formats);
    expect(bodies.map((b) => [b.table, b.format])).toEqual([
      ["predictions", "RowBinary"],
      ["candidates", "RowBinary"],
      ["features", "RowBinary"],
      ["feedback", "JSONEachRow"],
      ["events", "RowBinary"],
    ]);
  });
});
