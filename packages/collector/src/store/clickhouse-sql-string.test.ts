import { describe, expect, it } from "vitest";
import { CLICKHOUSE_URL } from "../../test/test-support.js";
import { ClickHouseClient, sqlString } from "./clickhouse-http.js";

const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database: "default" });
const bytes = (s: string) => Buffer.from(s, "utf8").toString("hex").toUpperCase();

describe("sqlString (ClickHouse 18.16 has no query parameters)", () => {
  it("has no query parameters to use instead: 18.16 refuses param_*", async () => {
    await expect(ch.exec("SELECT {x:String}", { settings: { param_x: "a" } })).rejects.toThrow(
      "Unknown setting param_x",
    );
  });

  it("gives back every character from NUL to U+00FF, quotes and backslash escapes, byte for byte", async () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
    const values = [all, "\\", "'", "\\'", "'\\", "\\\\'", "a\\0b", "\\x41\\n", "'; SELECT 1; --", "😀 \u2028 é", ""];
    const sql = `SELECT ${values.map((v, i) => `hex(${sqlString(v)}) AS v${i}`).join(", ")}`;
    const [row] = await ch.rows<Record<string, string>>(sql);
    expect(values.map((_, i) => row?.[`v${i}`])).toEqual(values.map(bytes));
  });

  it("writes lone surrogates as U+FFFD, as UTF-8 encoders do", async () => {
    const [row] = await ch.rows<{ h: string }>(`SELECT hex(${sqlString("a\ud800b\udc00")}) AS h`);
    expect(row?.h).toBe(bytes("a\ufffdb\ufffd"));
  });
});
