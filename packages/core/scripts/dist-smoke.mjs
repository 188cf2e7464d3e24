// Runs core's built files the way a user's Node loads them (no `source` condition): the zod client
// with its fused prediction path, through a scripted transport that answers 503 with Retry-After,
// 413 twice (the batch is split and requeued), a partial rejection, then ok; and the queue filled
// past its bound. Prints what happened as JSON. Used by `src/dist.test.ts`; needs `pnpm build` first.
import { createClient } from "@inferlog/core";
import { FaultTransport } from "@inferlog/core/testing";

// Core's timers are unref'd (a forgotten client never keeps a process alive), so a bare script
// awaiting flush() must hold the process open itself, as @inferlog/node does for its users.
const hold = setInterval(() => {}, 1_000);
const transport = new FaultTransport([
  { type: "status", status: 503, retryAfter: "0" },
  { type: "too-large" },
  { type: "too-large" },
  { type: "reject", indexes: [0], reason: "bad label" },
]);
const errors = [];
const client = createClient({
  transport,
  source: "dist-smoke",
  model: { name: "m", version: "v1" },
  flushAt: 8,
  maxQueueSize: 40,
  minBackoffMs: 1,
  maxBackoffMs: 5,
  onError: (e) => errors.push(e.message),
  logger: { warn() {} },
});
for (let i = 0; i < 8; i++) client.logPrediction({ predictionId: `p${i}`, output: { label: "a", score: 0.5 } });
const first = await client.flush({ timeoutMs: 10_000 });
for (let i = 0; i < 50; i++) client.logOutcome({ predictionId: `q${i}`, label: "x" });
const second = await client.flush({ timeoutMs: 10_000 });
await client.shutdown();
clearInterval(hold);
const resolved = import.meta.resolve("@inferlog/core");
const attempts = transport.attempts.map((a) => [
  a.events.length,
  typeof a.result === "object" ? a.result.kind : a.result,
]);
console.log(JSON.stringify({ resolved, first, second, attempts, stats: client.stats(), errors }));
