import { afterEach, describe, expect, it } from "vitest";
import { postBatch, quiet, type Running, rawRequest, startCollector } from "../test/test-http.js";
import { prediction, type StoreFixture, storeFixture } from "../test/test-support.js";
import { parseAuthConfig } from "./auth.js";
import { type Collector, createCollector } from "./collector.js";

const SERVER = "sk_test_server_0123456789";
const BROWSER = "pk_test_browser_0123456789";
const READ = "rk_test_read_0123456789";
const APP = "https://app.example";
const keys = {
  keys: [
    { key: SERVER, kind: "server" as const },
    { key: BROWSER, kind: "browser" as const, origins: [APP] },
    { key: READ, kind: "read" as const },
  ],
};
const writeOnly = { keys: keys.keys.filter((k) => k.kind !== "read") };

let c: Running | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const get = (url: string, headers: Record<string, string> = {}) => rawRequest(url, { method: "GET", headers });
const error = (r: { json(): unknown }) => (r.json() as { error: string }).error;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("read keys", () => {
  it("open /v1/report and /report; write keys and missing keys do not, even from loopback", async () => {
    c = await startCollector("sqlite", { auth: keys });
    const report = `${c.url}/v1/report`;
    const none = await get(report);
    expect([none.status, error(none)]).toEqual([401, "Missing read key: send `Authorization: Bearer <read key>`"]);
    expect((await get(report, { authorization: `Bearer ${READ}` })).status).toBe(200);
    const server = await get(report, { authorization: `Bearer ${SERVER}` });
    expect([server.status, error(server)]).toEqual([403, "The server key sk_tes… cannot read reports; use a read key"]);
    const unknown = await get(report, { authorization: "Bearer rk_unknown_0123456789" });
    expect([unknown.status, error(unknown)]).toEqual([401, "Unknown read key rk_unk…"]);
    // A browser opening /report is asked for the key (HTTP Basic, the key as password).
    const page = await get(`${c.url}/report`);
    expect([page.status, page.headers["www-authenticate"]]).toEqual([
      401,
      'Basic realm="inferlog reports", charset="UTF-8"',
    ]);
    const html = await get(`${c.url}/report`, { authorization: basic("me", READ) });
    expect([html.status, html.headers["content-type"]]).toEqual([200, "text/html; charset=utf-8"]);
  });

  it("come only in the Authorization header, never in the URL; they cannot write", async () => {
    c = await startCollector("sqlite", { auth: keys });
    const inUrl = await get(`${c.url}/v1/report?key=${READ}`);
    expect([inUrl.status, error(inUrl)]).toEqual([
      401,
      "The key rk_tes… came in the URL (`?key=`): server and read keys are accepted only in `Authorization: Bearer <key>` (URLs end up in access logs and browser history; rotate the key if this one was logged)",
    ]);
    const basicWrite = await postBatch(c.endpoint, [prediction()], { authorization: basic("x", SERVER) });
    expect([basicWrite.status, error(basicWrite)]).toEqual([
      401,
      "Writes take `Authorization: Bearer <key>`; HTTP Basic is for read keys",
    ]);
    const write = await postBatch(c.endpoint, [prediction()], { authorization: `Bearer ${READ}` });
    expect([write.status, error(write)]).toEqual([
      403,
      "The read key rk_tes… cannot write; use a server or browser key",
    ]);
    c.collector.setAuth({ ...keys, revoked: [READ] });
    const revoked = await get(`${c.url}/v1/report`, { authorization: `Bearer ${READ}` });
    expect([revoked.status, error(revoked)]).toEqual([401, "The read key rk_tes… has been revoked"]);
    expect((await c.collector.store.tableCounts()).events).toBe(0);
  });

  it("without read keys, reports go to loopback clients only, and a proxied request is not one", async () => {
    c = await startCollector("sqlite", { auth: writeOnly });
    expect((await get(`${c.url}/v1/report`)).status).toBe(200);
    const proxied = await get(`${c.url}/v1/report`, { "x-forwarded-for": "127.0.0.1" });
    expect(proxied.status).toBe(403);
    expect(error(proxied)).toContain("Reports are served to loopback clients only until a read key is configured");
    expect((await get(`${c.url}/v1/report`, { forwarded: "for=127.0.0.1" })).status).toBe(403);
  });
});

describe("server keys", () => {
  it("are refused in ?key= and in X-Inferlog-Key, saying where they belong", async () => {
    c = await startCollector("sqlite", { auth: keys });
    const byQuery = await postBatch(`${c.endpoint}?key=${SERVER}`, [prediction()]);
    expect([byQuery.status, error(byQuery)]).toEqual([
      401,
      "The key sk_tes… came in the URL (`?key=`): server and read keys are accepted only in `Authorization: Bearer <key>` (URLs end up in access logs and browser history; rotate the key if this one was logged)",
    ]);
    const byHeader = await postBatch(c.endpoint, [prediction()], { "x-inferlog-key": SERVER });
    expect(byHeader.status).toBe(401);
    expect(error(byHeader)).toContain("came in the X-Inferlog-Key header");
    expect((await c.collector.store.tableCounts()).events).toBe(0);
  });
});

describe("--trust-proxy behind a load balancer", () => {
  let collector: Collector | undefined;
  let fx: StoreFixture | undefined;
  afterEach(async () => {
    await collector?.close();
    await fx?.cleanup();
    collector = undefined;
  });

  it("serves the report to a remote client with a read key, and refuses it without", async () => {
    fx = storeFixture("sqlite");
    collector = await createCollector({ store: fx.spec, auth: keys, trustProxy: true, logger: quiet });
    const { port } = await collector.listen({ port: 0, host: "0.0.0.0" });
    const url = `http://127.0.0.1:${port}/v1/report`;
    const lb = { "x-forwarded-for": "198.51.100.7, 10.0.0.2", host: "collector.example" };
    expect((await get(url, { ...lb, authorization: `Bearer ${READ}` })).status).toBe(200);
    expect((await get(url, lb)).status).toBe(401);
    const write = await postBatch(`http://127.0.0.1:${port}/v1/events`, [prediction()], {
      ...lb,
      authorization: `Bearer ${SERVER}`,
    });
    expect(write.status).toBe(200);
  });

  it("takes the last X-Forwarded-For entry as the client for the keyless loopback rules", async () => {
    fx = storeFixture("sqlite");
    collector = await createCollector({ store: fx.spec, trustProxy: true, logger: quiet });
    const { port } = await collector.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${port}`;
    expect((await get(`${base}/v1/report`, { "x-forwarded-for": "203.0.113.9, 127.0.0.1" })).status).toBe(200);
    expect((await get(`${base}/v1/report`, { "x-forwarded-for": "127.0.0.1, 203.0.113.9" })).status).toBe(403);
    // Every request passes the trusted proxy: one without the header has no known client.
    expect((await get(`${base}/v1/report`)).status).toBe(403);
    const write = await postBatch(`${base}/v1/events`, [prediction()], { "x-forwarded-for": "203.0.113.9" });
    expect([write.status, error(write)]).toEqual([
      403,
      "This collector has no keys configured and only accepts loopback clients",
    ]);
    expect((await postBatch(`${base}/v1/events`, [prediction()], { "x-forwarded-for": "::1" })).status).toBe(200);
  });
});

describe("the Host allow-list (DNS rebinding)", () => {
  it("on loopback answers loopback names only, on every route but /healthz", async () => {
    c = await startCollector("sqlite");
    const port = new URL(c.url).port;
    const evil = { host: `rebind.attacker.example:${port}` };
    const report = await get(`${c.url}/v1/report`, evil);
    expect([report.status, error(report)]).toEqual([
      403,
      `The Host header \`rebind.attacker.example:${port}\` is not one this collector answers to (allowed: localhost, .localhost, 127.0.0.1, [::1], 127.0.0.1); set --allowed-hosts`,
    ]);
    expect((await get(`${c.url}/report`, evil)).status).toBe(403);
    expect((await postBatch(c.endpoint, [prediction()], evil)).status).toBe(403);
    expect((await get(`${c.url}/healthz`, evil)).status).toBe(200);
    for (const host of [`localhost:${port}`, `app.localhost:${port}`, `127.0.0.1:${port}`, "LOCALHOST"]) {
      expect((await get(`${c.url}/v1/report`, { host })).status, host).toBe(200);
    }
    expect((await c.collector.store.tableCounts()).events).toBe(0);
  });

  it("takes the configured names instead", async () => {
    c = await startCollector("sqlite", { allowedHosts: ["collector.internal", ".corp.example"] });
    expect((await get(`${c.url}/v1/report`, { host: "collector.internal:4318" })).status).toBe(200);
    expect((await get(`${c.url}/v1/report`, { host: "a.corp.example" })).status).toBe(200);
    expect((await get(`${c.url}/v1/report`, { host: "localhost" })).status).toBe(403);
    await expect(createCollector({ store: "sqlite::memory:", allowedHosts: [""] })).rejects.toThrow(
      "Expected `allowedHosts` to be an array of host names",
    );
  });
});

describe("keyless only on loopback", () => {
  it("checks the addresses the bind host resolves to, not how it is spelled", async () => {
    const fx = storeFixture("sqlite");
    const collector = await createCollector({ store: fx.spec, logger: quiet });
    await expect(collector.listen({ port: 0, host: "127.attacker.invalid" })).rejects.toThrow(
      "Refusing to listen on 127.attacker.invalid without write keys",
    );
    const { host } = await collector.listen({ port: 0, host: "localhost" });
    expect(["127.0.0.1", "::1"]).toContain(host);
    await collector.close();
    await fx.cleanup();
  });

  it("never lets new keys make a non-loopback collector keyless, and keeps the old ones", async () => {
    const fx = storeFixture("sqlite");
    const collector = await createCollector({ store: fx.spec, auth: keys, logger: quiet });
    const { port } = await collector.listen({ port: 0, host: "0.0.0.0" });
    for (const next of [undefined, { keys: [] }, { keys: [{ key: READ, kind: "read" as const }] }]) {
      expect(() => collector.setAuth(next)).toThrow(
        "Refusing new keys without a write key while listening on a non-loopback address: the collector would become keyless; kept the previous keys",
      );
    }
    const endpoint = `http://127.0.0.1:${port}/v1/events`;
    expect((await postBatch(endpoint, [prediction()])).status).toBe(401);
    expect((await postBatch(endpoint, [prediction()], { authorization: `Bearer ${SERVER}` })).status).toBe(200);
    await collector.close();
    await fx.cleanup();
  });
});

describe("configuration errors", () => {
  it("never print a key", () => {
    const secret = "sk_live_SECRET with space 0123456789";
    const messages: string[] = [];
    for (const config of [
      { keys: [{ key: secret, kind: "server" }] },
      { keys: [{ key: secret, kind: "reader" }] },
      { keys: [{ key: secret, kind: "browser", origins: [] }] },
      { keys: [{ key: "sk_live_SECRET", kind: "server" }] },
      { keys: [{ key: SERVER, kind: "server" }], revoked: [7, secret] },
      // Keys where a key entry or the revoked list should be: each one is hidden wherever it stands.
      { keys: [secret] },
      { keys: [[secret]] },
      { keys: secret },
      { keys: { main: secret } },
      { keys: [{ key: [secret], kind: "server" }] },
      { keys: [{ key: SERVER, kind: "server" }], revoked: secret },
      { keys: [{ key: SERVER, kind: "server" }], revoked: { old: secret } },
    ]) {
      try {
        parseAuthConfig(config);
        messages.push("(accepted)");
      } catch (e) {
        messages.push((e as Error).message);
      }
    }
    for (const m of messages) {
      expect(m).toMatch(/^Invalid auth config: /);
      expect(m).not.toContain("SECRET");
      expect(m).not.toContain("space");
    }
    expect(messages[3]).toBe("Invalid auth config: `keys[0].key` is too small: minimum 16, got 14 characters");
    expect(messages).not.toContain("(accepted)");
    // A valid key elsewhere in a refused config is hidden too.
    for (const m of messages) expect(m).not.toContain(SERVER.slice(7));
  });
});

describe("401 and 403 answers to pages", () => {
  it("carry CORS headers for an origin this collector serves, so the page can read why", async () => {
    c = await startCollector("sqlite", { auth: { ...keys, revoked: [BROWSER] } });
    const revoked = await postBatch(`${c.endpoint}?key=${BROWSER}`, [prediction()], { origin: APP });
    expect([revoked.status, revoked.headers["access-control-allow-origin"], error(revoked)]).toEqual([
      401,
      APP,
      "The write key pk_tes… has been revoked",
    ]);
    c.collector.setAuth(keys);
    const missing = await postBatch(c.endpoint, [prediction()], { origin: APP });
    expect([missing.status, missing.headers["access-control-allow-origin"]]).toEqual([401, APP]);
    const evil = await postBatch(`${c.endpoint}?key=${BROWSER}`, [prediction()], { origin: "https://evil.example" });
    expect([evil.status, evil.headers["access-control-allow-origin"]]).toEqual([403, undefined]);
  });

  it("on a keyless collector, for local pages only", async () => {
    c = await startCollector("sqlite");
    const proxied = { origin: "http://localhost:5173", "x-forwarded-for": "203.0.113.9" };
    const r = await postBatch(c.endpoint, [prediction()], proxied);
    expect([r.status, r.headers["access-control-allow-origin"]]).toEqual([403, undefined]);
  });
});
