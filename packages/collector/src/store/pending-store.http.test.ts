import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { postBatch } from "../../test/test-http.js";
import { CLICKHOUSE_URL, prediction } from "../../test/test-support.js";
import { type Collector, createCollector } from "../collector.js";
import { ClickHouseClient } from "./clickhouse-http.js";
import { STORE_RETRY_MAX_MS } from "./pending-store.js";

const clickhouse = new URL(CLICKHOUSE_URL);

/** A loopback TCP proxy to the real ClickHouse that can be taken down (every connection cut) and brought back. */
class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  static async onFreePort(): Promise<TcpProxy> {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    return new TcpProxy(port);
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(clickhouse.port), clickhouse.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(this.port, "127.0.0.1", r));
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

const logs: string[] = [];
const logger = {
  info: (m: string) => logs.push(`info ${m}`),
  warn: (m: string) => logs.push(`warn ${m}`),
  error: () => {},
};
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
  logs.length = 0;
});

async function healthz(url: string) {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; error?: string } };
}

/** Polls /healthz until it answers `status`; ClickHouse is retried at most STORE_RETRY_MAX_MS apart. */
async function until(url: string, status: number): Promise<void> {
  const deadline = Date.now() + STORE_RETRY_MAX_MS * 3;
  while ((await healthz(url)).status !== status) {
    if (Date.now() > deadline) throw new Error(`/healthz did not answer ${status} in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a collector started before ClickHouse", () => {
  it("serves 503 until ClickHouse answers, then stores; and again while it is away", async () => {
    const proxy = await TcpProxy.onFreePort();
    const database = `inferlog_test_pending_${process.pid}_${Date.now()}`;
    cleanup.push(() => proxy.down());
    cleanup.push(async () => {
      await new ClickHouseClient({ url: CLICKHOUSE_URL, database }).exec(`DROP DATABASE IF EXISTS ${database}`, {
        database: false,
      });
    });
    const collector: Collector = await createCollector({
      store: `clickhouse://127.0.0.1:${proxy.port}/${database}`,
      waitForStore: true,
      logger,
    });
    cleanup.push(() => collector.close({ timeoutMs: 2000 }));
    const { url } = await collector.listen({ port: 0 });

    const down = await healthz(url);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe("store_unavailable");
    // /healthz is unauthenticated: the store's message (hosts, ports) goes to the log, not the answer.
    expect(down.body.error).toBeUndefined();
    const early = prediction();
    const refused = await postBatch(`${url}/v1/events`, [early]);
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    const otlp = await fetch(`${url}/v1/logs`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: new Uint8Array(0),
    });
    expect(otlp.status).toBe(503);
    expect(otlp.headers.get("retry-after")).toBe("1");
    expect(logs.filter((l) => l.startsWith("warn"))).toEqual([
      expect.stringMatching(/is not reachable yet \(.*\); serving 503 and retrying until it is$/),
    ]);

    await proxy.up();
    await until(url, 200);
    expect(logs).toContain(
      `info inferlog-collector: ClickHouse at http://127.0.0.1:${proxy.port} is reachable; the store is ready`,
    );
    // The client's retry of the refused batch now lands, once.
    const stored = await postBatch(`${url}/v1/events`, [early]);
    expect(stored.json()).toEqual({ accepted: 1, rejected: [], duplicates: 0 });
    expect(await collector.store.eventIdCounts()).toEqual(new Map([[early.id, 1]]));

    // ClickHouse goes away after the start: unhealthy, ingest refused, and back when it returns.
    await proxy.down();
    await until(url, 503);
    expect((await postBatch(`${url}/v1/events`, [prediction()])).status).toBe(503);
    await proxy.up();
    await until(url, 200);
    expect((await postBatch(`${url}/v1/events`, [prediction()])).status).toBe(200);
    expect((await collector.store.tableCounts()).events).toBe(2);
  }, 60_000);

  it("still fails the start when ClickHouse answers with a refusal, which waiting cannot fix", async () => {
    const store = `clickhouse://no_such_user:secret@${clickhouse.host}/inferlog_test_pending_refused`;
    await expect(createCollector({ store, waitForStore: true, logger })).rejects.toThrow(
      /^ClickHouse answered HTTP \d+/,
    );
    expect(logs).toEqual([]);
  });

  it("closes cleanly while still waiting", async () => {
    const proxy = await TcpProxy.onFreePort();
    const collector = await createCollector({
      store: `clickhouse://127.0.0.1:${proxy.port}/inferlog_test_pending_closed`,
      waitForStore: true,
      logger,
    });
    await collector.close();
    await expect(collector.store.ping()).rejects.toThrow("The store is closed");
  });
});
