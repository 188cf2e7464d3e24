import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { InferlogEvent } from "@inferlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLICKHOUSE_URL, prediction } from "../../test/test-support.js";
import { ClickHouseClient } from "./clickhouse-http.js";
import { CLICKHOUSE_ANSWER_FRESH_MS, openClickHouseStore } from "./clickhouse-store.js";
import type { Store } from "./types.js";

const database = `ping_${process.pid}_${Date.now()}`;
const upstream = new URL(CLICKHOUSE_URL);
/** Statements the proxy passed on (the SQL of each request: its URL `query`, else its body). */
const seen: string[] = [];
/** While true, the proxy answers every INSERT with 500, as a full disk would. */
let refuseInserts = false;
let proxy: Server;
let store: Store;

beforeAll(async () => {
  proxy = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      const sql = new URL(req.url ?? "/", "http://proxy").searchParams.get("query") ?? body.toString();
      seen.push(sql);
      if (refuseInserts && /^INSERT/.test(sql)) {
        res.writeHead(500).end("Code: 243, e.displayText() = DB::Exception: Cannot reserve space");
        return;
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  store = await openClickHouseStore({ url: `http://127.0.0.1:${port}`, database });
});
afterAll(async () => {
  await store.close();
  await new Promise((resolve) => proxy.close(resolve));
  await new ClickHouseClient({ url: CLICKHOUSE_URL, database }).exec(`DROP DATABASE IF EXISTS ${database}`, {
    database: false,
  });
});

const pings = () => seen.filter((sql) => sql === "SELECT 1").length;
const write = () => store.insertBatch([{ event: prediction() as unknown as InferlogEvent, receivedMs: Date.now() }]);

describe("the ClickHouse store's ping", () => {
  it("asks ClickHouse only when it has not answered for a second, or a write failed since", async () => {
    await write();
    const before = pings();
    await store.ping();
    expect(pings()).toBe(before);

    await new Promise((resolve) => setTimeout(resolve, CLICKHOUSE_ANSWER_FRESH_MS + 100));
    await store.ping();
    expect(pings()).toBe(before + 1);
    await store.ping();
    expect(pings()).toBe(before + 1);

    refuseInserts = true;
    await expect(write()).rejects.toThrow(/ClickHouse answered HTTP 500/);
    refuseInserts = false;
    await store.ping();
    expect(pings()).toBe(before + 2);
  });
});
