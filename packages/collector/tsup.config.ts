import { defineConfig } from "tsup";

export default defineConfig({
  // report-worker: the worker thread of a SQLite report (src/metrics/report-parallel.ts loads it next to itself);
  // sqlite-write-worker: the SQLite store's writes (src/store/sqlite-write-client.ts loads it next to itself).
  entry: {
    index: "src/index.ts",
    cli: "src/cli.ts",
    rows: "src/rows.ts",
    "report-worker": "src/metrics/report-worker.ts",
    "sqlite-write-worker": "src/store/sqlite-write-worker.ts",
  },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", rows: "src/rows.ts" } },
  clean: true,
  target: "node20",
  sourcemap: true,
  // better-sqlite3 is a native addon: it must stay a runtime require, never bundled.
  external: ["better-sqlite3"],
});
