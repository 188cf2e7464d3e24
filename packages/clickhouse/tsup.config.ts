import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2020",
  sourcemap: true,
  // The row mapping is bundled so the transport does not load the collector's SQLite store at run time.
  noExternal: ["@inferlog/collector"],
  // Bundle it from source: the published package then needs neither the collector nor its build.
  esbuildOptions(o) {
    o.conditions = ["source"];
  },
});
