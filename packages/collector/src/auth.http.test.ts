import { afterEach, describe, expect, it } from "vitest";
import { postBatch, type Running, rawRequest, startCollector } from "../test/test-http.js";
import { prediction, storeFixture } from "../test/test-support.js";
import { Auth, parseAuthConfig } from "./auth.js";
import { createCollector } from "./collector.js";

const SERVER = "sk_test_server_0123456789";
const BROWSER = "pk_test_browser_0123456789";
const APP = "https://app.example";
const keys = {
  keys: [
    { key: SERVER, kind: "server" as const },
    { key: BROWSER, kind: "browser" as const, origins: [APP] },
  ],
};

let c: Running | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const error = (r: { json(): unknown }) => (r.json() as { error: string }).error;

describe("write keys", () => {
  it("takes server keys by bearer and refuses missing and unknown keys", async () => {
    c = await startCollector("sqlite", { auth: keys });
    const p = prediction();
    const none = await postBatch(c.endpoint, [p]);
    expect(none.status).toBe(401);
    expect(error(none)).toContain("Missing write key");
    const unknown = await postBatch(c.endpoint, [p], { authorization: "Bearer sk_wrong_key_0123456789" });
    expect([unknown.status, error(unknown)]).toEqual([401, "Unknown write key sk_wro…"]);
    const ok = await postBatch(c.endpoint, [p], { authorization: `Bearer ${SERVER}` });
    expect(ok.status).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBeUndefined();
    expect(await c.collector.store.eventIdCounts()).toEqual(new Map([[p.id, 1]]));
  });

  it("limits browser keys to their origins, by query parameter, header or bearer", async () => {
    c = await startCollector("sqlite", { auth: keys });
    const [a, b, d, e] = [prediction(), prediction(), prediction(), prediction()];
    const byQuery = await postBatch(`${c.endpoint}?key=${BROWSER}`, [a], { origin: APP, "content-type": "text/plain" });
    expect([byQuery.status, byQuery.headers["access-control-allow-origin"]]).toEqual([200, APP]);
    expect((await postBatch(c.endpoint, [b], { origin: APP, "x-inferlog-key": BROWSER })).status).toBe(200);
    expect((await postBatch(c.endpoint, [d], { origin: APP, authorization: `Bearer ${BROWSER}` })).status).toBe(200);
    const elsewhere = await postBatch(`${c.endpoint}?key=${BROWSER}`, [e], { origin: "https://evil.example" });
    expect(elsewhere.status).toBe(403);
    expect(error(elsewhere)).toContain("not allowed from origin https://evil.example");
    expect(elsewhere.headers["access-control-allow-origin"]).toBeUndefined();
    expect((await postBatch(`${c.endpoint}?key=${BROWSER}`, [e])).status).toBe(403);
    expect([...(await c.collector.store.eventIdCounts()).keys()].sort()).toEqual([a.id, b.id, d.id].sort());
  });

  it("answers CORS preflight per key", async () => {
    c = await startCollector("sqlite", { auth: keys });
    const pre = (url: string, origin: string) =>
      rawRequest(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
    const ok = await pre(`${c.endpoint}?key=${BROWSER}`, APP);
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe(APP);
    expect(ok.headers["access-control-allow-headers"]).toContain("authorization");
    expect((await pre(`${c.endpoint}?key=${BROWSER}`, "https://evil.example")).status).toBe(403);
    expect((await pre(`${c.endpoint}?key=${SERVER}`, APP)).status).toBe(403);
    expect((await pre(c.endpoint, APP)).status).toBe(204);
    const denied = await pre(c.endpoint, "https://evil.example");
    expect([denied.status, denied.headers["access-control-allow-origin"]]).toEqual([403, undefined]);
  });

  it("revokes keys from config without a restart", async () => {
    c = await startCollector("sqlite", { auth: keys });
    expect((await postBatch(c.endpoint, [prediction()], { authorization: `Bearer ${SERVER}` })).status).toBe(200);
    c.collector.setAuth({ ...keys, revoked: [SERVER, BROWSER] });
    const r = await postBatch(c.endpoint, [prediction()], { authorization: `Bearer ${SERVER}` });
    expect([r.status, error(r)]).toEqual([401, "The write key sk_tes… has been revoked"]);
    const pre = await rawRequest(`${c.endpoint}?key=${BROWSER}`, { method: "OPTIONS", headers: { origin: APP } });
    expect(pre.status).toBe(403);
    expect((await rawRequest(c.endpoint, { method: "OPTIONS", headers: { origin: APP } })).status).toBe(403);
    expect((await c.collector.store.eventIdCounts()).size).toBe(1);
  });

  it("names the field of a bad config", () => {
    expect(() =>
      parseAuthConfig({ keys: [{ key: BROWSER, kind: "browser", origins: ["https://a.example/path"] }] }),
    ).toThrow("Invalid auth config: `keys[0].origins[0]` must be an origin like https://app.example (no path)");
    expect(() => parseAuthConfig({ keys: [{ key: "short", kind: "server" }] })).toThrow(/`keys\[0\]/);
    expect(() =>
      parseAuthConfig({
        keys: [
          { key: SERVER, kind: "server" },
          { key: SERVER, kind: "server" },
        ],
      }),
    ).toThrow("the key sk_tes… is listed twice");
  });
});

describe("without keys", () => {
  it("takes writes from loopback and from local pages only", async () => {
    c = await startCollector("sqlite");
    const p = prediction();
    expect((await postBatch(c.endpoint, [p])).status).toBe(200);
    const local = await postBatch(c.endpoint, [prediction()], { origin: "http://localhost:5173" });
    expect([local.status, local.headers["access-control-allow-origin"]]).toEqual([200, "http://localhost:5173"]);
    const site = await postBatch(c.endpoint, [prediction()], { origin: "https://evil.example" });
    expect([site.status, error(site)]).toEqual([
      403,
      "Origin https://evil.example may not write to a keyless collector; configure a browser key",
    ]);
    expect((await c.collector.store.eventIdCounts()).size).toBe(2);
    // A non-loopback peer can only reach a keyless collector through a proxy on the same host: refused too.
    expect(new Auth(undefined).check({ key: undefined, origin: undefined, remoteAddress: "10.1.2.3" })).toEqual({
      ok: false,
      status: 403,
      message: "This collector has no keys configured and only accepts loopback clients",
    });
  });

  it("refuses to listen on a non-loopback address, and says why", async () => {
    const fx = storeFixture("sqlite");
    const collector = await createCollector({ store: fx.spec });
    await expect(collector.listen({ port: 0, host: "0.0.0.0" })).rejects.toThrow(
      "Refusing to listen on 0.0.0.0 without write keys: anyone who can reach it could write events. Configure keys (--config keys.json) or listen on 127.0.0.1.",
    );
    collector.setAuth(keys);
    const { port } = await collector.listen({ port: 0, host: "0.0.0.0" });
    const r = await postBatch(`http://127.0.0.1:${port}/v1/events`, [prediction()], {
      authorization: `Bearer ${SERVER}`,
    });
    expect(r.status).toBe(200);
    await collector.close();
    await fx.cleanup();
  });
});
