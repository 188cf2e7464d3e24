import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../test/test-child.js";
import { postBatch, rawRequest } from "../test/test-http.js";
import { prediction, storeFixture } from "../test/test-support.js";

describe("inferlog-collector serve", () => {
  it("refuses to listen on 0.0.0.0 without keys, and says why", async () => {
    const fx = storeFixture("sqlite");
    const child = await spawnCli(["serve", "--host", "0.0.0.0", "--port", "0", "--store", fx.spec], null);
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain("Refusing to listen on 0.0.0.0 without write keys");
    await fx.cleanup();
  });

  it("names the field of a bad config file and exits", async () => {
    const fx = storeFixture("sqlite");
    const file = fx.spec.replace("sqlite:", "").replace("inferlog.db", "keys.json");
    writeFileSync(file, JSON.stringify({ keys: [{ key: "sk_0123456789abcdef", kind: "browser" }] }));
    const child = await spawnCli(["serve", "--port", "0", "--store", fx.spec, "--config", file], null);
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain("`keys[0]");
    await fx.cleanup();
  });

  it("serves with keys from --config, reloads them on SIGHUP, and stops cleanly on SIGTERM", async () => {
    const fx = storeFixture("sqlite");
    const file = fx.spec.replace("sqlite:", "").replace("inferlog.db", "keys.json");
    const key = "sk_cli_test_0123456789";
    writeFileSync(file, JSON.stringify({ keys: [{ key, kind: "server" }] }));
    const child = await spawnCli(["serve", "--port", "0", "--store", fx.spec, "--config", file]);
    const url = /listening on (\S+)/.exec(child.output())?.[1];
    expect((await rawRequest(`${url}/healthz`, { method: "GET" })).json()).toEqual({ status: "ok", store: "sqlite" });
    const auth = { authorization: `Bearer ${key}` };
    expect((await postBatch(`${url}/v1/events`, [prediction()], auth)).status).toBe(200);
    writeFileSync(file, JSON.stringify({ keys: [{ key, kind: "server" }], revoked: [key] }));
    child.proc.kill("SIGHUP");
    await new Promise((r) => setTimeout(r, 300));
    expect(child.output()).toContain("reloaded keys");
    expect((await postBatch(`${url}/v1/events`, [prediction()], auth)).status).toBe(401);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    await fx.cleanup();
  });

  it("rejects an unknown store scheme", async () => {
    const child = await spawnCli(["serve", "--port", "0", "--store", "postgres://x"], null);
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain(
      'inferlog-collector: Expected `store` to start with "sqlite:" or "clickhouse://", got `"postgres://x"`',
    );
  });

  it("prints the usage for `serve --help` and `report --help`", async () => {
    for (const command of ["serve", "report"]) {
      const child = await spawnCli([command, "--help"], null);
      expect(await child.exited).toBe(0);
      expect(child.output()).toContain("Usage: inferlog-collector <command> [options]");
    }
  });
});
