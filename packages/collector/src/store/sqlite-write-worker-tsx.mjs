// The SQLite write worker's entry when the collector runs from its TypeScript sources (tsx, vitest): worker
// threads do not inherit `--import tsx`, so this registers tsx and then loads sqlite-write-worker.ts.
// The built package runs dist/sqlite-write-worker.js (or .cjs) instead.
import { register } from "tsx/esm/api";

register();
await import("./sqlite-write-worker.ts");
