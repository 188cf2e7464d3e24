// Bundles the size fixture exactly as the issue specifies (esbuild, minify, ESM, es2020)
// and reports gzip -9 bytes and the largest inputs. Used by the size test and `pnpm size`.
// "@inferlog/browser" resolves through this package's own exports map: from the TypeScript
// sources (`source` condition), or with `dist: true` from the built files a user installs (core's
// and this package's `dist`, after `pnpm build`); `development: true` adds the condition a dev
// server sets.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));

export async function measureBundle({ development = false, dist = false } = {}) {
  for (const built of ["dist/index.js", "../core/dist/lite.js"])
    if (dist && !existsSync(`${here}../${built}`)) throw new Error(`${built} is missing: run \`pnpm build\` first`);
  const out = await build({
    entryPoints: [`${here}size-fixture.ts`],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    platform: "browser",
    conditions: [...(dist ? [] : ["source"]), ...(development ? ["development"] : [])],
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
  const r = await measureBundle({
    development: process.argv.includes("--development"),
    dist: process.argv.includes("--dist"),
  });
  console.log(`minified ${r.minBytes} B, gzip -9 ${r.gzipBytes} B`);
  for (const [m, b] of r.byModule) console.log(`${String(b).padStart(7)}  ${m}`);
}
