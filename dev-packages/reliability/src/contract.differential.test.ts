/**
 * One answer for every input (docs/event-model.md, "Text"): the same generated events go through the
 * Node build (compiled zod validator and its fast path), the browser production build (no check in
 * the page: the collector's answer is the answer) and the browser development build (the lite
 * validator), each into the real collector on SQLite. The events lean on the edges where copies of a
 * contract drift: strings cut inside a surrogate pair, lone surrogates in values and keys, NUL and
 * other control characters, and every length limit at -1, 0 and +1.
 *
 * Properties: a client-accepted event is never rejected by the collector (Node and development), and
 * what one build refuses the others refuse with the very same message (the production build hears it
 * from the collector). Every event a client counts as sent is stored once.
 */
import type { InferlogError } from "@inferlog/core";
import { LIMITS } from "@inferlog/core";
import { createClient as createNodeClient } from "@inferlog/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The development build's entry, as the `development` export condition resolves it from source.
import { createClient as createDevelopmentClient } from "../../../packages/browser/src/development.js";
import { createClient as createBrowserClient } from "../../../packages/browser/src/index.js";
import { type Stack, startStack } from "./test/stack.js";

const RUNS = Number(process.env.INFERLOG_FUZZ_RUNS ?? "25");
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** Text pieces that leave well-formed, printable ASCII. */
const piece = fc.constantFrom(
  "great 👍".slice(0, 7), // cut inside a pair: a lone high surrogate at the end
  "\ud800",
  "\udc00x",
  "\udbff\udfff", // a valid pair (U+10FFFF)
  "😀",
  "é€",
  "\u0000",
  "\u0001\u001f",
  "\t\n\r",
  "\u007f",
  "\u2028\u2029",
  "\ufeff",
  '"\\',
  "\\ud800", // the text of an escape, not a surrogate
  "plain",
);
const text = fc.array(piece, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(""));
/** Around a limit: one under, at, one over, in ASCII, and at the limit in astral characters (two units each). */
const around = (max: number, min = 1) =>
  fc.constantFrom(
    "a".repeat(Math.max(min, max - 1)),
    "a".repeat(max),
    "a".repeat(max + 1),
    "😀".repeat(max),
    `${"a".repeat(max - 1)}\ud800`,
    `${"a".repeat(max)}\ud800`,
    ...(min > 0 ? [""] : []),
  );
const field = (max: number, min = 1) =>
  fc.oneof({ weight: 3, arbitrary: text }, { weight: 1, arbitrary: around(max, min) });

const prediction = fc.record(
  {
    model: fc.record(
      {
        name: field(LIMITS.maxNameLength),
        version: fc.constant("v1"),
        environment: field(LIMITS.maxEnvironmentLength),
      },
      { requiredKeys: ["name", "version"] },
    ),
    output: fc.record({ label: field(LIMITS.maxNameLength, 0) }),
    features: fc.dictionary(field(LIMITS.maxFeatureNameLength), fc.oneof(text, fc.double({ noNaN: true })), {
      maxKeys: 3,
    }),
    tags: fc.dictionary(field(LIMITS.maxTagKeyLength), field(LIMITS.maxTagValueLength, 0), { maxKeys: 2 }),
    // A challenger's flag: a boolean, or a value each build refuses alike.
    shadow: fc.oneof({ weight: 3, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom("true", 1) }),
  },
  { requiredKeys: ["model", "output"] },
);
const feedback = fc.record(
  {
    predictionId: field(LIMITS.maxIdLength),
    action: fc.constantFrom("accepted", "ignored", "liked"),
    candidateId: field(LIMITS.maxIdLength),
    value: fc.constantFrom(-1, 1, 1.001, -1.5, 0.25),
  },
  { requiredKeys: ["predictionId", "action"] },
);
const exposure = fc.record({
  predictionId: field(LIMITS.maxIdLength),
  shown: fc.array(field(LIMITS.maxIdLength), { minLength: 1, maxLength: 3 }),
  surface: field(LIMITS.maxNameLength),
});
const outcome = fc.record({
  predictionId: field(LIMITS.maxIdLength),
  label: field(LIMITS.maxNameLength, 0),
  source: fc.constantFrom("human", "system"),
});
type Call =
  | ["logPrediction", unknown]
  | ["logFeedback", unknown]
  | ["trackExposureShown", unknown]
  | ["logOutcome", unknown];
const call: fc.Arbitrary<Call> = fc.oneof(
  prediction.map((x): Call => ["logPrediction", x]),
  feedback.map((x): Call => ["logFeedback", x]),
  exposure.map((x): Call => ["trackExposureShown", x]),
  outcome.map((x): Call => ["logOutcome", x]),
);

interface Run {
  sentIds: string[];
  /** What the client refused, by message. */
  refused: string[];
  /** What the collector refused, by reason (read from its answers). */
  rejected: string[];
  dropped: { invalid: number; rejected: number; total: number };
}

/** The collector's answers, read off the wire: each refused event's reason. */
function recordingFetch(rejected: string[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const body = await res.clone().text();
    try {
      for (const r of (JSON.parse(body) as { rejected?: { reason: string }[] }).rejected ?? []) rejected.push(r.reason);
    } catch {
      // not JSON: a whole-batch fault, which the assertions on counts then show
    }
    return res;
  };
}

interface Client {
  logPrediction(x: unknown): unknown;
  logFeedback(x: unknown): unknown;
  logOutcome(x: unknown): unknown;
  logExposure(x: unknown): unknown;
  flush(o: { timeoutMs: number }): Promise<{ ok: boolean; pending: number }>;
  shutdown(o: { timeoutMs: number }): Promise<unknown>;
  stats(): { dropped: { invalid: number; rejected: number; total: number } };
}

async function runThrough(build: "node" | "browser" | "development", calls: Call[]): Promise<Run> {
  const run: Run = { sentIds: [], refused: [], rejected: [], dropped: { invalid: 0, rejected: 0, total: 0 } };
  const common = {
    endpoint: `${stack.collectorUrl}/v1/events`,
    source: `differential-${build}`,
    model: { name: "m", version: "v1" },
    onError: (e: InferlogError) => {
      if (e.code === "invalid") run.refused.push(e.message);
    },
    logger: false as const,
    hooks: {
      onSettled: (events: readonly { id: string }[], how: string) => {
        if (how === "sent") for (const e of events) run.sentIds.push(e.id);
      },
    },
  };
  const client = (build === "node"
    ? createNodeClient({ ...common, flushOnExit: false })
    : (build === "browser" ? createBrowserClient : createDevelopmentClient)({
        ...common,
        persistence: false,
        fetch: recordingFetch(run.rejected),
      })) as unknown as Client;
  for (const [method, input] of calls) {
    // Exposures go through logExposure: the same event the tracker sends, without a page to watch.
    if (method === "trackExposureShown") {
      const { predictionId, shown, surface } = input as { predictionId: string; shown: string[]; surface: string };
      client.logExposure({ predictionId, surface, shown: shown.map((id, position) => ({ id, position })) });
    } else client[method](input);
  }
  const flushed = await client.flush({ timeoutMs: 10_000 });
  expect(flushed).toMatchObject({ ok: true, pending: 0 });
  run.dropped = { ...client.stats().dropped };
  await client.shutdown({ timeoutMs: 2_000 });
  return run;
}

describe("one answer for every input, across the Node, browser and browser development builds", () => {
  it(`no client-accepted event is rejected; refusals carry the same message in every build (${RUNS} runs)`, async () => {
    let refusedSeen = 0;
    let repairedSent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 8 }), async (calls) => {
        const node = await runThrough("node", calls);
        const browser = await runThrough("browser", calls);
        const development = await runThrough("development", calls);

        // The clients that check in process let through only what the collector takes.
        expect(node.dropped.rejected).toBe(0);
        expect(development.dropped.rejected).toBe(0);
        expect(node.rejected).toEqual([]);
        expect(development.rejected).toEqual([]);
        // Nothing else is lost: every drop is a refusal with its message.
        expect(node.dropped.total).toBe(node.refused.length);
        expect(development.dropped.total).toBe(development.refused.length);
        // The production build leaves the contract to the collector, which answers in the same words.
        expect(browser.dropped.invalid).toBe(0);
        expect(browser.dropped.total).toBe(browser.rejected.length);
        const sorted = (list: string[]) => [...list].sort();
        expect(sorted(development.refused)).toEqual(sorted(node.refused));
        expect(sorted(browser.rejected)).toEqual(sorted(node.refused));
        // Every event counted as sent is stored, once.
        const stored = await stack.idCounts();
        for (const id of [...node.sentIds, ...browser.sentIds, ...development.sentIds]) expect(stored.get(id)).toBe(1);
        expect(node.sentIds.length + node.refused.length).toBe(calls.length);
        refusedSeen += node.refused.length;
        if (JSON.stringify(calls).match(/\\ud[89ab]/) && node.sentIds.length > 0) repairedSent++;
      }),
      { numRuns: RUNS, seed: Number(process.env.SEED ?? 20261206), endOnFailure: true },
    );
    // The generator reaches both answers, and events holding lone surrogates get through.
    expect(refusedSeen).toBeGreaterThan(0);
    expect(repairedSent).toBeGreaterThan(0);
  });

  it("a string cut inside a surrogate pair is stored with U+FFFD by every build", async () => {
    const cut = "great 👍".slice(0, 7);
    for (const build of ["node", "browser", "development"] as const) {
      const run = await runThrough(build, [
        ["logOutcome", { predictionId: `cut-${build}`, label: cut, source: "human" }],
      ]);
      expect(run.dropped.total, build).toBe(0);
      expect(run.sentIds, build).toHaveLength(1);
      const raw = await stack.collector.store.rawEvent(run.sentIds[0] as string);
      expect(JSON.parse(raw as string).data.label, build).toBe("great \ufffd");
    }
  });
});
