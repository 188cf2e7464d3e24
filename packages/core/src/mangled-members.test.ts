import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import { MANGLED_MEMBERS, unrenamedMembers } from "../../../scripts/mangled-members.mjs";
import config from "../tsup.config.js";
import * as publicApi from "./index.js";
import { eventSchema, ingestResponseSchema } from "./schema/events.js";

/**
 * The published build renames every member whose name starts with `_` and a letter (esbuild's
 * `mangleProps`, STYLE.md 13), and only those. What must keep its name, the public API and the wire
 * contract, therefore never carries the prefix; the built files keep no `_` member unrenamed (a
 * half-renamed member would break at run time); and the hand-kept list of 13 names this replaced
 * cannot come back unnoticed. The dist checks need `pnpm build` first (`pnpm test` does it).
 */
const DIST = fileURLToPath(new URL("../dist", import.meta.url));

/** The names the build renamed by a hand-kept list before the `_` convention (issue 19). */
const OLD_LIST = [
  "pump",
  "drain",
  "settledThrough",
  "settlement",
  "abortAll",
  "waitMs",
  "nudge",
  "onNudge",
  "minSeq",
  "requeue",
  "offer",
  "safely",
  "settled",
];

type Schema = z.ZodMiniType;
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  in?: Schema;
  out?: Schema;
}
const defOf = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every field name of a zod schema, at any depth (zod's own definitions, so a new field is seen). */
function fieldNames(s: Schema, into = new Set<string>()): Set<string> {
  const def = defOf(s);
  for (const [name, field] of Object.entries(def.shape ?? {})) {
    into.add(name);
    fieldNames(field, into);
  }
  for (const inner of [def.innerType, def.element, def.valueType, def.in, def.out, ...(def.options ?? [])])
    if (inner) fieldNames(inner, into);
  return into;
}

function files(dir: string, suffix: RegExp): string[] {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run \`pnpm build\` first`);
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => suffix.test(f))
    .map((f) => join(dir, f));
}

describe("members the build may rename", () => {
  it("is the `_` prefix in core's build config, not a list of names", () => {
    const options: { mangleProps?: RegExp } = {};
    (config as { esbuildOptions: (o: object, context: object) => void }).esbuildOptions(options, { format: "esm" });
    expect(options.mangleProps).toBe(MANGLED_MEMBERS);
    expect(MANGLED_MEMBERS.source).toBe("^_[a-zA-Z]");
    expect(["_pump", "_waitMs", "_x"].every((n) => MANGLED_MEMBERS.test(n))).toBe(true);
    expect(["pump", "__proto__", "__esModule", "_", "_1"].some((n) => MANGLED_MEMBERS.test(n))).toBe(false);
  });

  it("matches no field of the wire contract", () => {
    const names = fieldNames(eventSchema);
    for (const n of fieldNames(ingestResponseSchema)) names.add(n);
    // The walk reaches the envelope, every event type's data and their nested fields.
    for (const known of ["specversion", "predictionId", "probabilities", "candidates", "sketch", "rejected"])
      expect(names).toContain(known);
    expect(names.size).toBeGreaterThan(60);
    expect([...names].filter((n) => MANGLED_MEMBERS.test(n))).toEqual([]);
  });

  it("matches no export of core and no name in its published types", () => {
    expect(Object.keys(publicApi).filter((n) => MANGLED_MEMBERS.test(n))).toEqual([]);
    const types = files(DIST, /\.d\.c?ts$/);
    expect(types.length).toBeGreaterThan(5);
    for (const file of types) {
      const names = [...readFileSync(file, "utf8").matchAll(/\b_[a-zA-Z]\w*/g)].map((m) => m[0]);
      expect({ file, names }).toEqual({ file, names: [] });
    }
  });

  it("are all renamed in the built files, and no name of the old list is a member there", () => {
    const built = files(DIST, /\.c?js$/);
    expect(built.length).toBeGreaterThan(5);
    const old = new RegExp(`\\.(${OLD_LIST.join("|")})\\b|^\\s*(${OLD_LIST.join("|")})\\([^)]*\\)\\s*\\{`, "gm");
    for (const file of built) {
      const js = readFileSync(file, "utf8");
      expect({ file, unrenamed: unrenamedMembers(js) }).toEqual({ file, unrenamed: [] });
      expect({ file, old: [...js.matchAll(old)].map((m) => m[0].trim()) }).toEqual({ file, old: [] });
    }
    // The checks can see a member: the sources spell these in full.
    expect(unrenamedMembers("a._pump(); b = { _waitMs: 1 };\n  _nudge() {\n")).toEqual(["_pump", "_waitMs", "_nudge"]);
    // ...and a spread of a CommonJS chunk's exports is not a member.
    expect(unrenamedMembers("f(..._chunkABCcjs.TASKS, a._pump)")).toEqual(["_pump"]);
  });
});
