import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", development: "src/development.ts", validate: "src/validate.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2020",
  sourcemap: true,
});
