/**
 * The collector's doors, each tried without the right key: every content type, encoding and key
 * position, oversized input before and after authentication, header floods, and what it logs.
 * Fills the gaps around packages/collector/src/auth.http.test.ts (which covers the key kinds).
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wirePrediction } from "./test/events.js";
import { BATCH, raw } from "./test/raw-http.js";
import { type Stack, startStack } from "./test/stack.js";

const SERVER = "sk_live_server_key_0123456789abcdef";
const BROWSER = "pk_live_browser_key_0123456789abcdef";
const REVOKED = "sk_live_revoked_key_0123456789abcdef";
const APP = "https://app.example";
let s: Stack;
let url: string;

beforeAll(async () => {
  s = await startStack({
    auth: {
      keys: [
        { key: SERVER, kind: "server" },
        { key: BROWSER, kind: "browser", origins: [APP] },
        { key: REVOKED, kind: "server" },
      ],
      revoked: [REVOKED],
    },
    maxEvents: 50,
    maxBodyBytes: 64 * 1024,
  });
  url = `${s.collectorUrl}/v1/events`;
});
afterAll(() => s.stop());

const bodies = () => {
  const e = wirePrediction();
  const batch = JSON.stringify([e]);
  return {
    id: e.id,
    variants: [
      { name: "batch json", headers: BATCH, body: batch },
      { name: "application/json", headers: { "content-type": "application/json" }, body: batch },
      { name: "text/plain (sendBeacon)", headers: { "content-type": "text/plain" }, body: batch },
      { name: "single event", headers: { "content-type": "application/cloudevents+json" }, body: JSON.stringify(e) },
      { name: "gzip batch", headers: { ...BATCH, "content-encoding": "gzip" }, body: gzipSync(batch) },
    ],
  };
};

const wrongCredentials: { name: string; headers: Record<string, string>; query?: string; status: number }[] = [
  { name: "no key", headers: {}, status: 401 },
  { name: "unknown bearer", headers: { authorization: "Bearer sk_live_unknown_0123456789abcdef" }, status: 401 },
  { name: "revoked bearer", headers: { authorization: `Bearer ${REVOKED}` }, status: 401 },
  {
    name: "Basic scheme",
    headers: { authorization: `Basic ${Buffer.from(`x:${SERVER}`).toString("base64")}` },
    status: 401,
  },
  { name: "key with a suffix", headers: { authorization: `Bearer ${SERVER}x` }, status: 401 },
  { name: "key prefix only", headers: { authorization: `Bearer ${SERVER.slice(0, -1)}` }, status: 401 },
  { name: "browser key, no origin", headers: { "x-inferlog-key": BROWSER }, status: 403 },
  { name: "browser key, other origin", headers: { origin: "https://evil.example" }, query: BROWSER, status: 403 },
  {
    name: "browser key, look-alike origin",
    headers: { origin: "https://app.example.evil.example" },
    query: BROWSER,
    status: 403,
  },
  { name: "browser key, http origin", headers: { origin: "http://app.example" }, query: BROWSER, status: 403 },
];

describe("every write path needs the right key", () => {
  it("refuses each wrong credential on each content type and encoding, and stores nothing", async () => {
    const { id, variants } = bodies();
    const seen: string[] = [];
    for (const cred of wrongCredentials) {
      for (const v of variants) {
        const target = cred.query ? `${url}?key=${cred.query}` : url;
        const r = await raw(target, { headers: { ...v.headers, ...cred.headers }, body: v.body });
        seen.push(`${cred.name} / ${v.name}: ${r.status}`);
        expect(`${cred.name} / ${v.name}: ${r.status}`).toBe(`${cred.name} / ${v.name}: ${cred.status}`);
        expect((r.json() as { error: string }).error.length).toBeGreaterThan(10); // a reason, not a bare code
        expect(r.headers["access-control-allow-origin"]).toBeUndefined();
      }
    }
    expect(seen).toHaveLength(wrongCredentials.length * variants.length);
    expect((await s.idCounts()).has(id)).toBe(false);
  });

  it("takes each content type and encoding with the right key, each id once", async () => {
    const { variants } = bodies();
    for (const v of variants) {
      const r = await raw(url, { headers: { ...v.headers, authorization: `Bearer ${SERVER}` }, body: v.body });
      expect([v.name, r.status]).toEqual([v.name, 200]);
    }
    const b = await raw(`${url}?key=${BROWSER}`, {
      headers: { ...BATCH, origin: APP },
      body: JSON.stringify([wirePrediction()]),
    });
    expect([b.status, b.headers["access-control-allow-origin"]]).toEqual([200, APP]);
  });

  it("answers a stranger's oversized body with 401, not by reading it", async () => {
    const huge = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const r = await raw(url, { headers: BATCH, body: huge });
    expect(r.status).toBe(401);
  });

  it("enforces the count and byte limits for a keyed client too, storing nothing of a refused batch", async () => {
    const auth = { ...BATCH, authorization: `Bearer ${SERVER}` };
    const many = Array.from({ length: 51 }, () => wirePrediction());
    const r = await raw(url, { headers: auth, body: JSON.stringify(many) });
    expect([r.status, (r.json() as { error: string }).error]).toEqual([
      413,
      "The batch has 51 events, over the limit of 50; send smaller batches",
    ]);
    const big = wirePrediction(undefined, { features: { blob: "x".repeat(70 * 1024) } });
    expect((await raw(url, { headers: auth, body: JSON.stringify([big]) })).status).toBe(413);
    const stored = await s.idCounts();
    expect([...many, big].filter((e) => stored.has(e.id))).toEqual([]);
  });

  it("survives header floods and long URLs with 4xx, then still serves", async () => {
    const flood = await raw(url, { headers: { ...BATCH, "x-pad": "a".repeat(64 * 1024) }, body: "[]" }).catch(() => ({
      status: 431,
    }));
    expect(flood.status).toBe(431);
    const longUrl = await raw(`${url}?key=${"k".repeat(20_000)}`, { headers: BATCH, body: "[]" }).catch(() => ({
      status: 431,
    }));
    expect([401, 414, 431]).toContain(longUrl.status);
    const ok = await raw(url, {
      headers: { ...BATCH, authorization: `Bearer ${SERVER}` },
      body: JSON.stringify([wirePrediction()]),
    });
    expect(ok.status).toBe(200);
  });

  it("a CORS preflight never writes and never allows an unlisted origin", async () => {
    const before = (await s.idCounts()).size;
    const evil = await raw(`${url}?key=${BROWSER}`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      body: JSON.stringify([wirePrediction()]),
    });
    expect([evil.status, evil.headers["access-control-allow-origin"]]).toEqual([403, undefined]);
    const good = await raw(`${url}?key=${BROWSER}`, {
      method: "OPTIONS",
      headers: { origin: APP, "access-control-request-method": "POST" },
    });
    expect([good.status, good.headers["access-control-allow-origin"]]).toEqual([204, APP]);
    expect((await s.idCounts()).size).toBe(before);
  });
});
