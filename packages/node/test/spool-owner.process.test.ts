import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { counts, type TestCollector } from "./collector.js";
import { perProcessTest } from "./per-test.js";
import { run, until } from "./run-fixture.js";

const harness = perProcessTest();
let collector: TestCollector;

describe("one spool directory, one process", () => {
  it("refuses a second process on a spool.dir another one uses, and hands it over once that one is killed", async () => {
    collector = await harness.collector();
    const accept = collector.reply;
    collector.reply = () => ({ status: 503 });
    const dir = harness.tempDir("inferlog-owner-");
    const env = { COLLECTOR_URL: collector.url, SPOOL_DIR: dir, N: "50" };
    const owner = run("sigterm", env); // logs 50 events, then serves until signalled
    harness.children.push(owner.child);
    await until(() => owner.stdout().includes("ready\n"), "the first process to start");

    const second = run("sigterm", env);
    harness.children.push(second.child);
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.stderr()).toContain(
      `ConfigError: Could not open the spool in \`spool.dir\` (${dir}): another client (pid ${owner.child.pid}) uses it; give each client its own directory`,
    );
    expect(() =>
      createClient({
        endpoint: collector.url,
        source: "svc",
        model: { name: "m", version: "1" },
        spool: { dir: dir as string },
      }),
    ).toThrow(`another client (pid ${owner.child.pid}) uses it`);

    owner.child.kill("SIGKILL"); // its lock stays behind, naming a pid that no longer runs
    expect((await owner.exited).signal).toBe("SIGKILL");
    collector.reply = accept;
    const next = run("replay", env);
    harness.children.push(next.child);
    expect((await next.exited).code, next.stderr()).toBe(0);
    const got = counts(collector.subjects);
    expect(got.size).toBe(50);
    expect([...got.values()].every((c) => c === 1)).toBe(true);
    expect(readdirSync(dir)).toEqual([]); // a process that ends normally leaves no lock behind
  });
});
