/**
 * The real stack the tests run against: the collector on a SQLite file in a temp dir, behind the
 * fault proxy. A restart closes the collector and opens a new one on the same file, as a deploy would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Collector, type CollectorOptions, createCollector, openSqliteStore } from "@inferlog/collector";
import { FaultProxy } from "@inferlog/test-support/fault-proxy";

export interface Stack {
  dir: string;
  collector: Collector;
  collectorUrl: string;
  proxy: FaultProxy;
  /** The ingest URL through the proxy. */
  endpoint: string;
  /** Closes the collector and starts a new one on the same database (a new port, the proxy follows). */
  restartCollector(downMs?: number): Promise<void>;
  /** Each stored event id with how many times it counts (1 when dedup holds). */
  idCounts(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

export async function startStack(options: Omit<CollectorOptions, "store"> = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "inferlog-rel-"));
  const dbPath = join(dir, "events.db");
  const open = async () => {
    const collector = await createCollector({
      logger: quiet,
      ...options,
      store: openSqliteStore({ path: dbPath, synchronous: "NORMAL" }),
    });
    const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
    return { collector, url };
  };
  let current = await open();
  const proxy = new FaultProxy(current.url);
  const proxyUrl = await proxy.start();
  const stack: Stack = {
    dir,
    collector: current.collector,
    collectorUrl: current.url,
    proxy,
    endpoint: `${proxyUrl}/v1/events`,
    async restartCollector(downMs = 0) {
      await current.collector.close({ timeoutMs: 2_000 });
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      current = await open();
      stack.collector = current.collector;
      stack.collectorUrl = current.url;
      proxy.setUpstream(current.url);
    },
    idCounts: () => current.collector.store.eventIdCounts(),
    async stop() {
      await proxy.close();
      await current.collector.close({ timeoutMs: 1_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Ids stored more than once (must be empty) and ids expected but missing (must be empty). */
export function compareIds(expected: Iterable<string>, stored: Map<string, number>) {
  const missing: string[] = [];
  for (const id of expected) if (!stored.has(id)) missing.push(id);
  const duplicated = [...stored].filter(([, n]) => n !== 1).map(([id]) => id);
  return { missing, duplicated };
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
