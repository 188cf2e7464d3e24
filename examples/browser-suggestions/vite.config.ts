import { defaultClientConditions, defineConfig } from "vite";

export default defineConfig({
  // Build against the workspace's TypeScript sources, so the example needs no prior package build.
  resolve: { conditions: ["source", ...defaultClientConditions] },
  build: { target: "es2020" },
  // `pnpm dev` forwards events to a collector on the usual local port.
  server: { proxy: { "/v1": "http://127.0.0.1:4318" } },
});
