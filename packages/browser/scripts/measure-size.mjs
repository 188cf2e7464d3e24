// Bundles the size fixture exactly as the issue specifies (esbuild, minify, ESM, es2020)
// and reports gzip -9 bytes and the largest inputs. Used by the size test and `pnpm size`.
// "@inferlog/browser" resolves through this package's own exports map, from the TypeScript
// sources (`source` condition); `development: true` adds the condition a dev server sets.

import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));

export async function measureBundle({ development = false } = {}) {
  const out = await build({
    entryPoints: [`${here}size-fixture.ts`],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    platform: "browser",
    conditions: development ? ["source", "development"] : ["source"],
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: `${here}..`,
  });
  const code = out.outputFiles[0].contents;
  const inputs = Object.values(out.metafile.outputs)[0].inputs;
  const byModule = {};
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const key = path.includes("node_modules/zod") ? "zod" : path.replace(/^.*packages\//, "");
    byModule[key] = (byModule[key] ?? 0) + bytesInOutput;
  }
  return {
    minBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(inputs),
    byModule: Object.entries(byModule).sort((a, b) => b[1] - a[1]),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await measureBundle({ development: process.argv.includes("--development") });
  console.log(`minified ${r.minBytes} B, gzip -9 ${r.gzipBytes} B`);
  for (const [m, b] of r.byModule) console.log(`${String(b).padStart(7)}  ${m}`);
}
