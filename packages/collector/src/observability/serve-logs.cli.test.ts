import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freePort, spawnCli } from "../../test/test-child.js";
import { postBatch, rawRequest } from "../../test/test-http.js";
import { prediction, storeFixture } from "../../test/test-support.js";

type Line = Record<string, unknown> & { level: string; msg: string; time: string };

/** Every line of the child's output is one JSON object. */
const lines = (output: string): Line[] =>
  output
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);

describe("inferlog-collector serve logs", () => {
  it("writes JSON lines: the configuration without secrets, listening, shutdown", async () => {
    const fx = storeFixture("sqlite");
    const file = fx.spec.replace("sqlite:", "").replace("inferlog.db", "keys.json");
    const key = "sk_logs_test_0123456789";
    const browserKey = "pk_logs_test_0123456789";
    writeFileSync(
      file,
      JSON.stringify({
        keys: [
          { key, kind: "server" },
          { key: browserKey, kind: "browser", origins: ["https://app.example"] },
        ],
        revoked: ["sk_old_0123456789abcdef"],
      }),
    );
    const child = await spawnCli(["serve", "--port", "0", "--store", fx.spec, "--config", file]);
    const url = /listening on (\S+)/.exec(child.output())?.[1];
    const auth = { authorization: `Bearer ${key}` };
    expect((await postBatch(`${url}/v1/events`, [prediction()], auth)).status).toBe(200);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);

    const output = child.output();
    for (const secret of [key, browserKey, "sk_old_0123456789abcdef"]) expect(output).not.toContain(secret);
    const all = lines(output);
    for (const l of all) {
      expect(l).toMatchObject({ name: "inferlog-collector", pid: child.proc.pid });
      expect(new Date(l.time).toISOString()).toBe(l.time);
    }
    expect(all.map((l) => l.event)).toEqual(["config", "listening", "shutdown", "stopped"]);
    expect(all[0]).toMatchObject({
      level: "info",
      host: "127.0.0.1",
      store: fx.spec,
      configFile: file,
      serverKeys: 1,
      browserKeys: 1,
      revokedKeys: 1,
      limits: { maxEvents: 10_000 },
    });
    expect(all[1]).toMatchObject({ level: "info", url, store: "sqlite" });
    expect(all[2]).toMatchObject({ level: "info", signal: "SIGTERM" });
    await fx.cleanup();
  });

  it("masks a ClickHouse password, and starts while ClickHouse is down, saying so in a warn line", async () => {
    const closed = await freePort();
    const store = `clickhouse://writer:hunter2-secret@127.0.0.1:${closed}/inferlog_test_logs_down`;
    const child = await spawnCli(["serve", "--port", "0", "--store", store]);
    const url = /listening on (\S+)/.exec(child.output())?.[1];
    const health = await rawRequest(`${url}/healthz`, { method: "GET" });
    expect(health.status).toBe(503);
    const refused = await postBatch(`${url}/v1/events`, [prediction()]);
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    const output = child.output();
    expect(output).not.toContain("hunter2");
    const all = lines(output);
    expect(all[0]).toMatchObject({ level: "warn", msg: expect.stringContaining("is not reachable yet") });
    expect(all.find((l) => l.event === "config")).toMatchObject({
      store: `clickhouse://writer:***@127.0.0.1:${closed}/inferlog_test_logs_down`,
    });
    // The failed write is an error line naming the store, not a stack trace.
    const failed = all.find((l) => l.level === "error" && l.msg.includes("storing a batch"));
    expect(failed?.msg).toMatch(/^inferlog-collector: storing a batch failed: ClickHouse at .* is not reachable yet/);
    expect(failed?.msg).not.toContain("    at ");
  });
});
