// Runs the built package the way a user's runtime loads it: "@inferlog/browser" and core resolve
// through their exports maps without the `source` condition, so this is `dist` (add
// `--conditions=development` for the development build). Logs a prediction, a feedback whose action
// the contract does not have, and an exposure with an accept to the collector at argv[2], then prints
// what happened as JSON. Used by `src/builds.collector.test.ts`; needs `pnpm build` first.
import { createClient } from "@inferlog/browser";

const endpoint = process.argv[2];
// Core's timers are unref'd (a page has no such notion; in Node a forgotten client must never keep a
// process alive), so this script holds the process open while it awaits flush().
const hold = setInterval(() => {}, 1_000);
const errors = [];
const client = createClient({
  endpoint,
  source: "dist-smoke",
  model: { name: "m", version: "v1" },
  persistence: false,
  onError: (e) => errors.push(e.message),
});
const { predictionId } = client.logPrediction({ output: { candidates: [{ id: "a" }, { id: "b" }] } });
client.logFeedback({ predictionId, action: "liked", candidateId: "a" });
client.trackExposure({ predictionId, shown: ["a", "b"], surface: "reply-box" }).accept("a");
let configError;
try {
  createClient({ endpoint, flushAt: 0 });
} catch (e) {
  configError = `${e.name}: ${e.message}`;
}
const flushed = await client.flush({ timeoutMs: 10_000 });
await client.shutdown();
clearInterval(hold);
const resolved = {
  browser: import.meta.resolve("@inferlog/browser"),
  core: import.meta.resolve("@inferlog/core/lite"),
};
console.log(JSON.stringify({ resolved, flushed, dropped: client.stats().dropped, errors, configError }));
