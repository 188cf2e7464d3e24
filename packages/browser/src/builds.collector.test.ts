import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Collector, createCollector, openSqliteStore, type Store } from "@inferlog/collector";
import type { InferlogError } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { createClient as createDevelopmentClient } from "./development.js";
import { createClient } from "./index.js";
import { liteValidateEvent } from "./validate.js";

/**
 * The two builds against the real collector (SQLite in memory), in Node: the production build leaves
 * the wire contract to the collector, the development build (and the `validator` option) checks it
 * in the page. Either way a bad field is named through onError and counted, never lost silently.
 */
let collector: Collector | undefined;
let store: Store | undefined;
afterEach(async () => {
  await collector?.close({ timeoutMs: 2000 });
  collector = undefined;
  store = undefined;
});

async function start() {
  store = openSqliteStore({ path: ":memory:" });
  collector = await createCollector({ store, logger: { info() {}, warn() {}, error() {} } });
  const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
  return `${url}/v1/events`;
}

/** One good prediction, a feedback with an action the contract does not have, and a good feedback. */
function logMixed(client: ReturnType<typeof createClient>) {
  const { predictionId } = client.logPrediction({ output: { label: "a" } });
  client.logFeedback({ predictionId, action: "liked" as "accepted", candidateId: "a" });
  client.logFeedback({ predictionId, action: "accepted", candidateId: "a" });
}

const options = (endpoint: string, errors: InferlogError[]) => ({
  endpoint,
  source: "builds-test",
  model: { name: "m", version: "v1" },
  persistence: false as const,
  onError: (e: InferlogError) => errors.push(e),
});

describe("which build checks the wire contract", () => {
  it("production: the page sends the bad event, the collector refuses it by field, the client counts it as rejected", async () => {
    const errors: InferlogError[] = [];
    const client = createClient(options(await start(), errors));
    logMixed(client);
    const r = await client.flush({ timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: true, sent: 2, dropped: 1 });
    expect(client.stats().dropped).toMatchObject({ rejected: 1, invalid: 0, total: 1 });
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^Collector rejected 1 of 3 events \(not resent\); first: event [0-9a-f]{8}-[0-9a-f-]{27}: Invalid ml\.feedback event: Expected `data\.action` to be one of/,
      ),
    ]);
    expect(await store?.tableCounts()).toMatchObject({ predictions: 1, feedback: 1 });
  });

  it("development: the page refuses the bad event before sending, names the field, and strict mode throws it", async () => {
    const errors: InferlogError[] = [];
    const endpoint = await start();
    const client = createDevelopmentClient(options(endpoint, errors));
    logMixed(client);
    const r = await client.flush({ timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: true, sent: 2, dropped: 1 });
    expect(client.stats().dropped).toMatchObject({ invalid: 1, rejected: 0, total: 1 });
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Invalid ml\.feedback event: Expected `data\.action` to be one of/),
    ]);
    const strict = createDevelopmentClient({ ...options(endpoint, []), strict: true });
    expect(() => strict.logFeedback({ predictionId: "p", action: "liked" as "accepted" })).toThrow(/`data\.action`/);
    await strict.shutdown();
  });

  it("production with `validator` from @inferlog/browser/validate checks in the page as development does", async () => {
    const errors: InferlogError[] = [];
    const client = createClient({ ...options(await start(), errors), validator: liteValidateEvent });
    logMixed(client);
    await client.flush({ timeoutMs: 10_000 });
    expect(client.stats().dropped).toMatchObject({ invalid: 1, rejected: 0 });
    expect(errors[0]?.message).toMatch(/^Invalid ml\.feedback event: Expected `data\.action`/);
  });

  it("both builds: a Date, NaN and a nested object among the features cost those values, not the prediction", async () => {
    const endpoint = await start();
    for (const make of [createClient, createDevelopmentClient]) {
      const errors: InferlogError[] = [];
      const lines: string[] = [];
      const client = make({ ...options(endpoint, errors), logger: { warn: (m) => lines.push(m) } });
      const features = { signup: new Date("2026-01-02T03:04:05Z"), spend: Number.NaN, address: { city: "Oslo" }, n: 1 };
      client.logPrediction({ output: { label: "a" }, features: features as never });
      const r = await client.flush({ timeoutMs: 10_000 });
      expect(r).toMatchObject({ ok: true, sent: 1, dropped: 0 });
      expect(errors).toEqual([]);
      expect(client.stats().featureValues).toMatchObject({ date: 1, non_finite: 1, object: 1, total: 3 });
      expect(lines).toHaveLength(3);
    }
    expect(await store?.tableCounts()).toMatchObject({ predictions: 2 });
  });

  it("production: an event that cannot be serialized is counted in the page, the rest is sent", async () => {
    const errors: InferlogError[] = [];
    const client = createClient(options(await start(), errors));
    client.logPrediction({ output: { label: "a" }, tags: { big: 1n as unknown as string } });
    client.logPrediction({ output: { label: "b" } });
    const r = await client.flush({ timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: true, sent: 1, dropped: 1 });
    expect(client.stats().dropped).toMatchObject({ invalid: 1, total: 1 });
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^The ml\.prediction event \S+ cannot be serialized: JSON\.stringify threw: .*BigInt/),
    ]);
  });
});

/** The built files a user installs, run by a plain `node` (no `source` condition) against the collector. */
async function runDist(endpoint: string, conditions: string[] = []) {
  const script = fileURLToPath(new URL("../scripts/dist-smoke.mjs", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [...conditions, script, endpoint], {
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

describe("the built dist (after `pnpm build`)", () => {
  it("production: resolves to dist, delivers, and reports the collector's refusal by field", async () => {
    const r = await runDist(await start());
    expect(r.resolved.browser).toMatch(/\/packages\/browser\/dist\/index\.js$/);
    expect(r.resolved.core).toMatch(/\/packages\/core\/dist\/lite\.js$/);
    expect(r.flushed).toMatchObject({ ok: true, sent: 3, dropped: 1 });
    expect(r.dropped).toMatchObject({ rejected: 1, invalid: 0, total: 1 });
    expect(r.errors).toEqual([expect.stringMatching(/^Collector rejected 1 of 4 events .*`data\.action`/)]);
    expect(r.configError).toBe("ConfigError: Expected `flushAt` to be a positive integer, got `0`");
    expect(await store?.tableCounts()).toMatchObject({ predictions: 1, exposures: 1, feedback: 1 });
  });

  it("development: resolves to dist/development.js and refuses the bad event in the page", async () => {
    const r = await runDist(await start(), ["--conditions=development"]);
    expect(r.resolved.browser).toMatch(/\/packages\/browser\/dist\/development\.js$/);
    expect(r.flushed).toMatchObject({ ok: true, sent: 3, dropped: 1 });
    expect(r.dropped).toMatchObject({ invalid: 1, rejected: 0, total: 1 });
    expect(r.errors).toEqual([expect.stringMatching(/^Invalid ml\.feedback event: Expected `data\.action`/)]);
    expect(await store?.tableCounts()).toMatchObject({ predictions: 1, exposures: 1, feedback: 1 });
  });
});

describe("a misspelt field (`output.lable`), which validation leaves out", () => {
  const typo = (client: ReturnType<typeof createClient>) => {
    for (let i = 0; i < 3; i++) client.logPrediction({ output: { lable: "a", score: 0.5 } } as never);
  };
  const said = (warnings: string[]) => warnings.filter((message) => message.includes("`output.lable`"));

  it("production: the collector stores the events without it and says so in its answer; the client says it once", async () => {
    const warnings: string[] = [];
    const client = createClient({ ...options(await start(), []), logger: { warn: (m: string) => warnings.push(m) } });
    typo(client);
    expect(await client.flush({ timeoutMs: 10_000 })).toMatchObject({ ok: true, sent: 3, dropped: 0 });
    expect(said(warnings)).toEqual([
      expect.stringMatching(
        /^Collector: `output\.lable` is not a field of ml\.prediction events \(check its spelling\): left out, the event stored \(event [0-9a-f-]{36}; said once\)$/,
      ),
    ]);
    expect(await store?.tableCounts()).toMatchObject({ predictions: 3 });
  });

  it("development: the page says it once before sending, and the collector has nothing left to say", async () => {
    const warnings: string[] = [];
    const client = createDevelopmentClient({
      ...options(await start(), []),
      logger: { warn: (m: string) => warnings.push(m) },
    });
    typo(client);
    expect(await client.flush({ timeoutMs: 10_000 })).toMatchObject({ ok: true, sent: 3, dropped: 0 });
    expect(said(warnings)).toEqual([
      "`output.lable` is not a field of ml.prediction events (check its spelling): it was left out and the event kept; strict mode refuses such events",
    ]);
  });
});
