import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../test/test-child.js";
import { postBatch, rawRequest } from "../test/test-http.js";
import { prediction, storeFixture } from "../test/test-support.js";

const KEY = "sk_live_SECRET_0123456789";

describe("inferlog-collector serve: access options", () => {
  it("says where a config file's JSON breaks without printing the text there", async () => {
    const fx = storeFixture("sqlite");
    const file = fx.spec.replace("sqlite:", "").replace("inferlog.db", "keys.json");
    writeFileSync(file, `{"keys": [\n  {"key": "${KEY}", "kind": "server"},\n]}`);
    const child = await spawnCli(["serve", "--port", "0", "--store", fx.spec, "--config", file], null);
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain(`The config file ${file} is not valid JSON at line 3, column 1`);
    expect(child.output()).not.toContain("SECRET");
    await fx.cleanup();
  });

  it("refuses a SIGHUP reload that would leave 0.0.0.0 keyless, and keeps the keys", async () => {
    const fx = storeFixture("sqlite");
    const file = fx.spec.replace("sqlite:", "").replace("inferlog.db", "keys.json");
    writeFileSync(file, JSON.stringify({ keys: [{ key: KEY, kind: "server" }] }));
    const child = await spawnCli(["serve", "--host", "0.0.0.0", "--port", "0", "--store", fx.spec, "--config", file]);
    const port = new URL(/listening on (\S+)/.exec(child.output())?.[1] ?? "").port;
    const endpoint = `http://127.0.0.1:${port}/v1/events`;
    writeFileSync(file, JSON.stringify({ keys: [] }));
    child.proc.kill("SIGHUP");
    for (let i = 0; i < 100 && !child.output().includes("kept the previous keys"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(child.output()).toContain(
      "inferlog-collector: kept the previous keys: Refusing new keys without a write key while listening on a non-loopback address",
    );
    expect((await postBatch(endpoint, [prediction()])).status).toBe(401);
    expect((await postBatch(endpoint, [prediction()], { authorization: `Bearer ${KEY}` })).status).toBe(200);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    expect(child.output()).not.toContain("SECRET");
    await fx.cleanup();
  });

  it("takes --allowed-hosts and --trust-proxy", async () => {
    const fx = storeFixture("sqlite");
    const child = await spawnCli([
      "serve",
      "--port",
      "0",
      "--store",
      fx.spec,
      "--allowed-hosts",
      "collector.internal, .corp.example",
      "--trust-proxy",
    ]);
    expect(child.output()).toContain("trusting X-Forwarded-For");
    const url = `${/listening on (\S+)/.exec(child.output())?.[1]}/v1/report`;
    const local = { "x-forwarded-for": "127.0.0.1" };
    const get = (headers: Record<string, string>) => rawRequest(url, { method: "GET", headers });
    expect((await get({ ...local, host: "collector.internal" })).status).toBe(200);
    expect((await get({ ...local, host: "x.corp.example" })).status).toBe(200);
    expect((await get({ ...local, host: "localhost" })).status).toBe(403);
    expect((await get({ "x-forwarded-for": "192.0.2.1", host: "collector.internal" })).status).toBe(403);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    await fx.cleanup();
  });
});
