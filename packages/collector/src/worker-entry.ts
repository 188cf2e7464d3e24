import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** This module's file: `__filename` in the CommonJS build, `import.meta.url` in ESM and in the sources. */
function here(): string {
  return typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
}

/** How to start one of the collector's worker threads, built or from the sources. */
export interface WorkerEntry {
  /** The worker's module. */
  file: string;
  /** Node flags for the worker thread. */
  execArgv: string[];
}

/**
 * Where worker `name` lives. Built: `dist/<name>.js` or `.cjs` (a tsup entry, tsup.config.ts), next to the bundle
 * that holds this module. Sources (tsx, vitest): `src/<folder>/<name>-tsx.mjs`, a JavaScript entry that registers
 * tsx before it loads `<name>.ts`, run with the package's own `source` condition so @inferlog/core resolves as in
 * the parent.
 */
export function workerEntry(name: string, folder: string): WorkerEntry {
  const self = here();
  const ext = extname(self);
  return ext === ".ts"
    ? { file: join(self, "..", folder, `${name}-tsx.mjs`), execArgv: ["--conditions=source"] }
    : { file: join(self, "..", `${name}${ext}`), execArgv: [] };
}
