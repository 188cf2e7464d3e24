import { defineConfig } from "tsup";

const common = {
  entry: { index: "src/index.ts", serverless: "src/serverless.ts" },
  dts: true,
  target: "node20",
  sourcemap: true,
} as const;

export default defineConfig([
  { ...common, format: ["esm"], clean: true },
  { ...common, format: ["cjs"] },
]);
