import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Real servers, child processes and one Chromium on 2 shared CPUs: one file at a time keeps timings honest.
    fileParallelism: false,
  },
});
