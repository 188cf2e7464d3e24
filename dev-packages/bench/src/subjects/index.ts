/** The Node subjects, loaded one per child process so no SDK shares a heap or event loop with another. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Subject } from "./subject.js";

export const SUBJECT_NAMES = ["inferlog", "posthog", "segment", "otel", "langfuse"] as const;
/** inferlog with its disk spool on: measured where the spool matters (outages), not everywhere. */
export const SPOOL_SUBJECT = "inferlog-spool";
export type SubjectName = (typeof SUBJECT_NAMES)[number] | typeof SPOOL_SUBJECT;

export async function loadSubject(name: SubjectName): Promise<Subject> {
  switch (name) {
    case "inferlog":
      return (await import("./inferlog.js")).inferlog;
    case "inferlog-spool":
      return (await import("./inferlog.js")).inferlogSpool;
    case "posthog":
      return (await import("./posthog.js")).posthog;
    case "segment":
      return (await import("./segment.js")).segment;
    case "otel":
      return (await import("./otel.js")).otel;
    case "langfuse":
      return (await import("./langfuse.js")).langfuse;
  }
}

const require = createRequire(import.meta.url);
/** The installed version, read from the package's own package.json. */
export function versionOf(pkg: string): string {
  try {
    return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).version;
  } catch {
    // Some packages do not export ./package.json: walk up from the resolved entry instead.
    let dir = require.resolve(pkg);
    for (let i = 0; i < 6; i++) {
      dir = dir.slice(0, dir.lastIndexOf("/"));
      try {
        const pj = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"));
        if (pj.name === pkg) return pj.version;
      } catch {}
    }
    return "unknown";
  }
}
