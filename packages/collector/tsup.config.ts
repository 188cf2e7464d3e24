import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli.ts", rows: "src/rows.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", rows: "src/rows.ts" } },
  clean: true,
  target: "node20",
  sourcemap: true,
  // better-sqlite3 is a native addon: it must stay a runtime require, never bundled.
  external: ["better-sqlite3"],
});
