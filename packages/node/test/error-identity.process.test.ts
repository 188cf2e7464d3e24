import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * An app that requires `@inferlog/core` for its error classes and `@inferlog/node` for the client
 * (CommonJS, the built packages as installed) can test the client's errors with `instanceof` as
 * well as with the `is…Error` guards: the node adapter requires core's zod-free entries, and they
 * must hand out the same classes as core's full entry. Core's CommonJS build shares its modules
 * between entries (tsup's `splitting`); when each entry carried its own copy, a strict client
 * swallowed the validator's ValidationError as an internal failure, since the client's
 * `instanceof InferlogError` saw another copy's class.
 */
describe("@inferlog/node under CommonJS", () => {
  it("loads no zod, and its errors are instances of @inferlog/core's classes (strict mode throws)", () => {
    const child = spawnSync(process.execPath, ["test/fixtures/error-identity.cjs"], {
      cwd: pkg,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({
      zodLoaded: false,
      config: [true, true, true],
      validation: [true, true, true],
    });
  });
});
