import { defineConfig } from "vitest/config";

/**
 * The ClickHouse cluster's test files share its two replicas, and clickhouse-cluster.test.ts pauses one and kills
 * another: run beside it, a file that opens a store on the cluster found the replica gone (ECONNREFUSED) and
 * failed. Those files run one at a time, in their own project; the rest run as before, beside them.
 */
const CLUSTER_FILES = "src/store/clickhouse-cluster*.test.ts";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two shared cores: a couple of workers keep runs lean and the ClickHouse server unhurried.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "cluster", include: [CLUSTER_FILES], fileParallelism: false } },
      { extends: true, test: { name: "collector", include: ["src/**/*.test.ts"], exclude: [CLUSTER_FILES] } },
    ],
  },
});
