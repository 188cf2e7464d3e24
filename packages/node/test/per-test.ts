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
 * For tests that run fixtures in child processes: registers an `afterEach` that kills every child still running
 * (`children`), stops the collector made through it and removes the temp directory made through it. Call it once
 * at the top of a test file.
 */
export function perProcessTest() {
  let collector: TestCollector | undefined;
  let dir: string | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await collector?.stop();
    collector = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    children,
    /** A started collector on 127.0.0.1 (any free port), stopped after the test. */
    async collector(): Promise<TestCollector> {
      collector = await new TestCollector().start();
      return collector;
    },
    /** A fresh directory under the system's temp folder, removed after the test. */
    tempDir(prefix: string): string {
      dir = mkdtempSync(join(tmpdir(), prefix));
      return dir;
    },
  };
}
