import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * `@inferlog/node` validates with core's zod-free validator, so importing it never loads zod
 * (~100 ms of CPU at every cold start). A module hook makes any import that reaches zod throw;
 * the control shows the hook catches core's full entry, which carries the zod schemas.
 */
function runClient(conditions: string[], entry?: string) {
  const child = spawnSync(
    process.execPath,
    [
      ...conditions,
      "--import",
      "./test/fixtures/refuse-zod.mjs",
      "test/fixtures/zod-free-client.mjs",
      ...(entry ? [entry] : []),
    ],
    { cwd: pkg, encoding: "utf8", timeout: 60_000 },
  );
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

const expected = {
  types: ["ml.prediction", "ml.feedback"],
  errors: [
    {
      field: "data.action",
      message: expect.stringContaining("Expected `data.action` to be one of"),
    },
  ],
  dropped: 1,
};

describe("the import graph of @inferlog/node", () => {
  it("as installed (dist) reaches no zod, and the client validates, refusing with the field named", () => {
    expect(existsSync(join(pkg, "dist/index.js")), "run `pnpm build` first").toBe(true);
    const run = runClient([]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expected);
  });

  it("from the sources reaches no zod either", () => {
    const run = runClient(["--conditions=source", "--import", "tsx"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expected);
  });

  it("control: the hook refuses core's full entry, which imports zod", () => {
    const run = runClient([], "@inferlog/core");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("zod imported: zod/mini");
  });
});
