import { describe, expect, it } from "vitest";
import { counts, type TestCollector } from "./collector.js";
import { perProcessTest } from "./per-test.js";
import { run } from "./run-fixture.js";

const harness = perProcessTest();
let collector: TestCollector;

/** A collector that accepts the connection, reads the request and never answers. */
const hanging = async () => {
  collector = await harness.collector();
  collector.reply = () => "hang";
  return collector;
};

/** Milliseconds from the fixture's `logged` line (its work is done) to its exit. */
async function exitAfterLogged(env: Record<string, string>) {
  const r = run("exit", env);
  harness.children.push(r.child);
  const exit = await r.exited;
  const logged = r.seenAt.get("logged");
  expect(logged, r.stderr()).toBeDefined();
  console.info(
    `[exit] ${JSON.stringify(env.FLUSH_ON_EXIT ?? env.EXIT_TIMEOUT_MS ?? "default")}: exited ${exit.at - (logged as number)} ms after its work ended`,
  );
  return { ms: exit.at - (logged as number), code: exit.code, stderr: r.stderr() };
}

describe("exit is bounded whatever the collector does (child processes)", () => {
  it("exits within flushOnExit.timeoutMs + 1 s when the collector never answers", async () => {
    await hanging();
    const { ms, code, stderr } = await exitAfterLogged({ COLLECTOR_URL: collector.url, N: "50" });
    expect(code, stderr).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(4_900); // it did wait for the default 5 s exit flush
    expect(ms).toBeLessThan(6_000);
    expect(stderr).toMatch(/50 events were not delivered before exit/);
    expect(collector.received).toHaveLength(0);
  });

  it("exits at once with flushOnExit: false, even with requests on the wire", async () => {
    await hanging();
    const { ms, code, stderr } = await exitAfterLogged({
      COLLECTOR_URL: collector.url,
      N: "50",
      FLUSH_ON_EXIT: "false",
    });
    expect(code, stderr).toBe(0);
    expect(collector.maxActive).toBeGreaterThan(0); // requests were in flight when it left
    expect(ms).toBeLessThan(1_000);
  });

  it("with a spool, keeps what was on the wire at the exit deadline; the next start delivers it", async () => {
    await hanging();
    const dir = harness.tempDir("inferlog-exit-");
    const env = { COLLECTOR_URL: collector.url, N: "50", EXIT_TIMEOUT_MS: "1000", SPOOL_DIR: dir };
    const { ms, code, stderr } = await exitAfterLogged(env);
    expect(code, stderr).toBe(0);
    expect(ms).toBeLessThan(2_000);
    expect(stderr).toMatch(
      /50 events were not delivered before exit to http:\/\/127\.0\.0\.1:\d+\/v1\/events: they stay in the spool for the next start/,
    );
    collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
    const next = run("replay", env);
    harness.children.push(next.child);
    expect((await next.exited).code, next.stderr()).toBe(0);
    const got = counts(collector.subjects);
    expect(got.size).toBe(50);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });
});
