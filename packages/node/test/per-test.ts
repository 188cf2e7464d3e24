import { afterEach } from "vitest";
import { createClient, type NodeClient, type NodeClientOptions } from "../src/create-client.js";
import { TestCollector } from "./collector.js";

/**
 * Loopback collectors and Node clients that live for one test. Registers an `afterEach` that shuts down every
 * client made through it (each with `shutdownTimeoutMs`), then stops every collector, so no test leaves a socket or
 * a timer behind for the next. Call it once at the top of a test file.
 */
export function perTest(shutdownTimeoutMs = 1_000) {
  const clients: NodeClient[] = [];
  const collectors: TestCollector[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.shutdown({ timeoutMs: shutdownTimeoutMs });
    for (const collector of collectors.splice(0)) await collector.stop();
  });
  return {
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
