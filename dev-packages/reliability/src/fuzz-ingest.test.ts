/**
 * Property-based input to the collector's ingest endpoint: random JSON, truncated and byte-mutated
 * bodies, field-level mutations of valid events, corrupt gzip, odd content types. Whatever arrives:
 * no 5xx, a reason for every refusal, and the store changes by exactly the accepted events (no partial write).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WireEvent, wireFeedback, wirePrediction } from "./test/events.js";
import { raw } from "./test/raw-http.js";
import { type Stack, startStack } from "./test/stack.js";

const RUNS = Number(process.env.INFERLOG_FUZZ_RUNS ?? "400");
let s: Stack;
let url: string;
beforeAll(async () => {
  s = await startStack({ maxEvents: 100, maxBodyBytes: 256 * 1024 });
  url = `${s.collectorUrl}/v1/events`;
});
afterAll(() => s.stop());

const hostileValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom("__proto__", "'; DROP TABLE events; --", "\u0000", "\ud800", "x".repeat(5_000), -0, 1e308, null),
  fc.string({ unit: "binary", maxLength: 40 }),
);
const path = fc.constantFrom(
  ["id"],
  ["type"],
  ["time"],
  ["specversion"],
  ["subject"],
  ["source"],
  ["data"],
  ["data", "predictionId"],
  ["data", "model"],
  ["data", "model", "name"],
  ["data", "output"],
  ["data", "output", "score"],
  ["data", "features"],
  ["data", "features", "__proto__"],
  ["data", "features", "age"],
  ["data", "action"],
  ["data", "tags"],
);
const mutation = fc.record({ path, value: hostileValue, remove: fc.boolean() });

function mutate(e: WireEvent, m: { path: readonly string[]; value: unknown; remove: boolean }): unknown {
  const copy = structuredClone(e) as Record<string, unknown>;
  let at = copy;
  for (const k of m.path.slice(0, -1)) {
    if (typeof at[k] !== "object" || at[k] === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  const last = m.path[m.path.length - 1] as string;
  if (m.remove) delete at[last];
  else Object.defineProperty(at, last, { value: m.value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A request body and what it holds, as the fuzzer built it. */
const request = fc
  .record({
    valid: fc.integer({ min: 0, max: 6 }),
    mutated: fc.array(mutation, { maxLength: 4 }),
    repeatId: fc.boolean(),
    shape: fc.constantFrom("batch", "truncated", "byte-flip", "random-json", "gzip", "corrupt-gzip", "not-array"),
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
    contentType: fc.constantFrom(
      "application/cloudevents-batch+json",
      "application/json",
      "text/plain",
      "application/cloudevents-batch+json; charset=utf-8",
      "application/xml",
      "",
    ),
    junk: fc.jsonValue({ maxDepth: 3 }),
  })
  .map((r) => {
    const good: WireEvent[] = Array.from({ length: r.valid }, (_, i) =>
      i % 2 ? wireFeedback(`p-${i}`) : wirePrediction(),
    );
    const bad = r.mutated.map((m) => mutate(i0(good) ?? wirePrediction(), m));
    const events: unknown[] = [...good, ...bad];
    if (r.repeatId && good.length > 0) events.push(good[0]);
    const text = JSON.stringify(events);
    const bytes = Buffer.from(text);
    let body: Buffer = bytes;
    const headers: Record<string, string> = r.contentType ? { "content-type": r.contentType } : {};
    if (r.shape === "truncated") body = bytes.subarray(0, Math.floor(bytes.length * r.cut));
    if (r.shape === "byte-flip") {
      body = Buffer.from(bytes);
      const at = Math.floor(body.length * r.cut) % Math.max(1, body.length);
      body[at] = (body[at] ?? 0) ^ 0x5a;
    }
    if (r.shape === "random-json") body = Buffer.from(JSON.stringify(r.junk) ?? "null");
    if (r.shape === "not-array") body = Buffer.from(JSON.stringify({ events }));
    if (r.shape === "gzip" || r.shape === "corrupt-gzip") {
      body = gzipSync(bytes);
      if (r.shape === "corrupt-gzip") body = body.subarray(0, Math.max(1, Math.floor(body.length * r.cut)));
      headers["content-encoding"] = "gzip";
    }
    return {
      events: whatItHolds(headers["content-encoding"] ? gunzipOrEmpty(body) : body),
      body,
      headers,
      shape: r.shape,
    };
  });
const i0 = <T>(xs: T[]) => xs[0];
const gunzipOrEmpty = (b: Buffer) => {
  try {
    return gunzipSync(b);
  } catch {
    return Buffer.alloc(0);
  }
};
/** The events a body really holds after truncation or a flipped byte (undefined when it is no JSON array). */
function whatItHolds(body: Buffer): unknown[] | undefined {
  try {
    const v: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

interface Reply {
  accepted: number;
  rejected: { index: number; reason: string }[];
  duplicates: number;
}
const idOf = (e: unknown) => (e && typeof e === "object" ? (e as { id?: unknown }).id : undefined);

describe("fuzzing the ingest endpoint", () => {
  it(`never answers 5xx, always says why, and stores exactly the accepted events (${RUNS} runs)`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ events, body, headers }) => {
        const before = await s.idCounts();
        const r = await raw(url, { headers, body });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect([200, 400, 413, 415]).toContain(r.status);
        const after = await s.idCounts();
        expect([...after.values()].every((n) => n === 1)).toBe(true);
        const added = [...after.keys()].filter((id) => !before.has(id));
        if (r.status !== 200) {
          expect((r.json() as { error: string }).error).toMatch(/\w{3,}/);
          expect(added).toEqual([]); // a refused request writes nothing at all
          return;
        }
        const reply = r.json() as Reply;
        if (!events) throw new Error(`200 for a body that is no JSON array: ${r.text}`);
        // A 200 for a whole batch: every event is either accepted or rejected by index with a reason.
        expect(reply.accepted + reply.rejected.length).toBe(events.length);
        for (const rej of reply.rejected) {
          expect(rej.index).toBeGreaterThanOrEqual(0);
          expect(rej.index).toBeLessThan(events.length);
          expect(rej.reason).toMatch(/\w{3,}/);
        }
        const rejected = new Set(reply.rejected.map((x) => x.index));
        const acceptedIds = new Set(events.filter((_, i) => !rejected.has(i)).map(idOf));
        expect(new Set(added)).toEqual(new Set([...acceptedIds].filter((id) => !before.has(id as string))));
      }),
      { numRuns: RUNS },
    );
    // The fuzzer really reached both sides: refusals and (partial) acceptances.
    expect(statuses.get(200)).toBeGreaterThan(RUNS / 10);
    expect(statuses.get(400)).toBeGreaterThan(0);
    const health = await raw(`${s.collectorUrl}/healthz`, { method: "GET" });
    expect(health.status).toBe(200);
  });
});
