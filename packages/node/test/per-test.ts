import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { createClient, type NodeClient, type NodeClientOptions } from "../src/create-client.js";
import { TestCollector } from "./collector.js";

/**
 * Loopback collectors, Node clients and temp directories that live for one test. Registers an `afterEach` that
 * shuts down every client made through it (each with `shutdownTimeoutMs`), then stops every collector and removes
 * every directory, so no test leaves a socket, a timer or a file behind for the next. Call it once at the top of a test file.
 */
export function perTest(shutdownTimeoutMs = 1_000) {
  const clients: NodeClient[] = [];
  const collectors: TestCollector[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.shutdown({ timeoutMs: shutdownTimeoutMs });
    for (const collector of collectors.splice(0)) await collector.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** A fresh directory under the system's temp folder (a spool's), removed after the clients shut down. */
    tempDir(prefix: string): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    /** A started collector on 127.0.0.1 (any free port). */
    async collector(): Promise<TestCollector> {
      const collector = await new TestCollector().start();
      collectors.push(collector);
      return collector;
    },
    client(options: NodeClientOptions): NodeClient {
      const client = createClient(options);
      clients.push(client);
      return client;
    },
  };
}

/**
 * `perTest` for tests that run fixtures in child processes: also kills every child still running (`children`),
 * before the collectors stop (vitest runs `afterEach` hooks last-registered first). Call it once at the top of a
 * test file.
 */
export function perProcessTest() {
  const fixtures = perTest();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });
  return { ...fixtures, children };
}
