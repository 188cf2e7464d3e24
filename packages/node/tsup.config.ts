import { defineConfig } from "tsup";

const common = {
  entry: { index: "src/index.ts", serverless: "src/serverless.ts" },
  dts: true,
  target: "node20",
  sourcemap: true,
} as const;

export default defineConfig([
  { ...common, format: ["esm"], clean: true },
  // p-queue is ESM-only: bundle it into the CJS build so `require` works without a loader.
  { ...common, format: ["cjs"], noExternal: ["p-queue"] },
]);
