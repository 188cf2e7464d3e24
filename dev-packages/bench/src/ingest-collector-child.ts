/**
 * The collector under test, in its own process so its CPU is measured apart from the load
 * generator: `node --import tsx ingest-collector-child.ts <store spec>`. Sends `{url}` over IPC
 * once listening; answers "cpu" with `process.cpuUsage()`, "loop" with the longest event-loop delay
 * since the last "loop" (ms), and "close" by closing and exiting.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createCollector } from "../../../packages/collector/src/collector.js";

const spec = process.argv[2];
if (!spec) throw new Error("usage: ingest-collector-child.ts <store spec>");
// BENCH_INGEST_GROUP_COMMIT='{"writesInFlight":1}' tries other group-commit settings than the store's defaults.
const groupCommit = process.env.BENCH_INGEST_GROUP_COMMIT;
const collector = await createCollector({
  store: spec,
  ...(groupCommit ? { groupCommit: JSON.parse(groupCommit) } : {}),
});
const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
process.send?.({ url });
process.on("message", async (message) => {
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (message === "loop") {
    process.send?.({ loop: loopDelay.max / 1e6 });
    loopDelay.reset();
  }
  if (message === "close") {
    await collector.close();
    process.exit(0);
  }
});
