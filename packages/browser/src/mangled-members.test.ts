import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { MANGLED_MEMBERS, unrenamedMembers } from "../../../scripts/mangled-members.mjs";
import config from "../tsup.config.js";
import * as development from "./development.js";
import * as production from "./index.js";

/**
 * The adapter's build renames its `_` members as core's does (`scripts/mangled-members.mjs`). What
 * must keep its name never carries the prefix: the public API, and what a page stores for a later one
 * (a newer release reads an older page's IndexedDB records and spill, so their fields are a format).
 * The dist checks need `pnpm build` first (`pnpm test` does it).
 */
const PACKAGE = fileURLToPath(new URL("..", import.meta.url));

function files(dir: string, suffix: RegExp): string[] {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run \`pnpm build\` first`);
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => suffix.test(f))
    .map((f) => join(dir, f));
}

/** The member names of an interface declared in one of this package's sources. */
function membersOf(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(PACKAGE, file), "utf8"), ts.ScriptTarget.ES2022);
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!decl) throw new Error(`${file} declares no interface ${name}`);
  return decl.members.map((m) => (m.name as ts.Identifier).text);
}

describe("members the browser build may rename", () => {
  it("is the `_` prefix in the build config", () => {
    const options: { mangleProps?: RegExp } = {};
    (config as { esbuildOptions: (o: object, context: object) => void }).esbuildOptions(options, { format: "esm" });
    expect(options.mangleProps).toBe(MANGLED_MEMBERS);
  });

  it("matches no field a page stores for a later one", () => {
    const record = membersOf("src/idb-store.ts", "BatchRecord");
    const spill = membersOf("src/spill.ts", "Spill");
    expect(record).toEqual(["key", "events", "bytes", "owner", "at"]);
    expect(spill).toEqual(["at", "events"]);
    expect([...record, ...spill].filter((n) => MANGLED_MEMBERS.test(n))).toEqual([]);
  });

  it("matches no export and no name in the published types", () => {
    const exported = [...Object.keys(production), ...Object.keys(development)];
    expect(exported).toContain("createClient");
    expect(exported.filter((n) => MANGLED_MEMBERS.test(n))).toEqual([]);
    const types = files(join(PACKAGE, "dist"), /\.d\.c?ts$/);
    expect(types.length).toBeGreaterThan(2);
    for (const file of types) {
      const names = [...readFileSync(file, "utf8").matchAll(/\b_[a-zA-Z]\w*/g)].map((m) => m[0]);
      expect({ file, names }).toEqual({ file, names: [] });
    }
  });

  it("are all renamed in the built files", () => {
    const built = files(join(PACKAGE, "dist"), /\.c?js$/);
    expect(built.length).toBeGreaterThan(2);
    for (const file of built)
      expect({ file, unrenamed: unrenamedMembers(readFileSync(file, "utf8")) }).toEqual({ file, unrenamed: [] });
    // The sources spell them in full: the check sees them there.
    expect(unrenamedMembers(readFileSync(join(PACKAGE, "src/client.ts"), "utf8"))).toContain("_onEnqueued");
  });
});
