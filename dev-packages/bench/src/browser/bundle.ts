/**
 * Bundles one fixture (init plus one event) the way the issue specifies: esbuild, minify, ESM,
 * es2020, browser platform, production define; reports gzip -9 bytes. Same settings as
 * packages/browser/scripts/measure-size.mjs, but against the built package, as users get it.
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export async function gzippedBundle(entry: string): Promise<{ minBytes: number; gzipBytes: number }> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    platform: "browser",
    define: { "process.env.NODE_ENV": '"production"' },
    write: false,
    logLevel: "silent",
  });
  const code = (out.outputFiles[0] as { contents: Uint8Array }).contents;
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
