import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/inferlog-collector.js", import.meta.url));

describe("the inferlog-collector bin", () => {
  it("is a committed file that runs the CLI (built, or from the sources in a clone before `pnpm build`)", async () => {
    expect(existsSync(bin)).toBe(true);
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, [bin, "report", "--help"], (_e, stdout) =>
        resolve({ code: child.exitCode, stdout }),
      );
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("Options for report:");
  });
});
