import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildEvent, type PendingEvent } from "./build-event.js";
import { compiledValidateEvent } from "./compiled.js";
import { type FastContext, fastPredictionJson } from "./fast-prediction.js";
import { redactFeatures } from "./redact.js";
import { TASKS } from "./schema/enums.js";
import { LIMITS } from "./schema/limits.js";
import { wellFormedJson } from "./well-formed-json.js";

/**
 * The fast path must be invisible: for every input it takes, the general path (build,
 * redact, zod validate, JSON.stringify) accepts it too and writes the very same JSON; every
 * input the general path refuses, the fast path leaves to it. And it must take the common
 * shape, or it is no fast path at all.
 */

type Arb<T = unknown> = fc.Arbitrary<T>;
const anything = fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true, withDate: true });
const mostly = (valid: Arb, ...edges: Arb[]): Arb =>
  fc.oneof({ weight: 30, arbitrary: valid }, ...edges.map((arbitrary) => ({ weight: 3, arbitrary })), {
    weight: 1,
    arbitrary: anything,
  });
const opt = (a: Arb): Arb => fc.oneof(fc.constant(undefined), a);
/** Fields outside the fast path's shape: present now and then, so both paths get exercised. */
const rare = (a: Arb): Arb => fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
const around = (max: number) =>
  fc.constantFrom("", "x", "a".repeat(max), "a".repeat(max + 1), "😀".repeat(max), 'q"\\\n\u2028', "\ud800");
const str = (max: number) => mostly(fc.string({ maxLength: 12 }), around(max));
const num = mostly(
  fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
  fc.constantFrom(0, -0, 1e21, 1e-7, 2 ** 53, Number.NaN, Infinity, -Infinity, -1),
);
const int = mostly(fc.integer({ min: -2, max: 200 }), fc.constantFrom(0.5, 2 ** 53, Number.NaN, "3"));
const key = fc.oneof(
  { weight: 10, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "__proto__",
      "constructor",
      "prototype",
      "",
      "k".repeat(LIMITS.maxFeatureNameLength + 1),
      "1",
      "é",
    ),
  },
);
const record = (value: Arb, maxKeys: number) =>
  mostly(
    fc.dictionary(key as Arb<string>, value, { maxKeys }),
    fc.constant(Object.assign(Object.create(null), { a: 1 })),
    fc.constant({ a: 1, [Symbol("s")]: 2 }),
    fc.constant(Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false })),
    fc.constant(Object.fromEntries(Array.from({ length: LIMITS.maxFeatures + 1 }, (_, i) => [`f${i}`, i]))),
  );
const featureValue = mostly(
  fc.oneof(
    num,
    str(LIMITS.maxFeatureStringLength),
    fc.boolean(),
    fc.constant(null),
    fc.array(str(LIMITS.maxFeatureStringLength) as Arb<string>, { maxLength: 3 }),
  ),
  fc.constant([1]),
  fc.constant(Array(3)),
  fc.constant(undefined),
  fc.constant({}),
);
const model = mostly(
  fc.record(
    {
      name: str(LIMITS.maxNameLength),
      version: str(LIMITS.maxNameLength),
      environment: opt(str(LIMITS.maxEnvironmentLength)),
      trainedAt: rare(fc.constant("2026-01-01T00:00:00Z")),
    },
    { requiredKeys: ["name", "version"] },
  ),
  fc.constant(undefined),
);
const candidate = mostly(
  fc.record(
    {
      id: str(LIMITS.maxIdLength),
      label: opt(fc.oneof(str(LIMITS.maxNameLength), num)),
      score: opt(num),
      rank: opt(int),
      itemAgeSeconds: opt(num),
      extra: rare(fc.constant(1)),
    },
    { requiredKeys: ["id"] },
  ),
);
const output = mostly(
  fc.record(
    {
      label: opt(fc.oneof(str(LIMITS.maxNameLength), num)),
      score: opt(num),
      candidates: opt(
        mostly(
          fc.array(candidate, { maxLength: 4 }),
          fc.constant(Array.from({ length: 101 }, (_, i) => ({ id: `c${i}` }))),
        ),
      ),
      k: opt(int),
      probabilities: rare(fc.constant({ a: 0.5 })),
    },
    { requiredKeys: [] },
  ),
);
const input = mostly(
  fc.record(
    {
      model: opt(model),
      task: opt(mostly(fc.constantFrom(...TASKS), fc.constant("nope"))),
      output,
      features: opt(record(featureValue, 12)),
      tags: opt(record(str(LIMITS.maxTagValueLength), 4)),
      subjectKey: opt(str(LIMITS.maxIdLength)),
      latencyMs: opt(num),
      outcomeTtlSeconds: opt(int),
      shadow: opt(mostly(fc.boolean(), fc.constant("true"), fc.constant(0))),
      time: rare(fc.constant("2026-01-01T00:00:00Z")),
      surprise: rare(fc.constant(true)),
    },
    { requiredKeys: ["output"] },
  ),
);
const context = fc.record({
  source: mostly(fc.string({ minLength: 1, maxLength: 12 }), fc.constant(""), fc.constant("s".repeat(257))),
  model: mostly(fc.constant({ name: "router", version: "v1" }), fc.constant(undefined)),
  sampleRate: fc.constantFrom(1, 0.25),
  filter: fc.constantFrom(
    { allow: undefined, deny: undefined },
    { allow: new Set(["a", "f1"]), deny: undefined },
    { allow: undefined, deny: new Set(["a", "b"]) },
  ),
  predictionId: mostly(fc.string({ minLength: 1, maxLength: 12 }), fc.constant(""), fc.constant("p".repeat(129))),
});

function general(p: PendingEvent, ctx: FastContext): { json?: string; id: string } {
  const built = redactFeatures(buildEvent(p, ctx as Parameters<typeof buildEvent>[1]), ctx.filter);
  const v = compiledValidateEvent("ml.prediction", built);
  return v.ok ? { json: wellFormedJson(JSON.stringify(v.event)), id: built.id as string } : { id: built.id as string };
}

describe("fast prediction path", () => {
  it("writes exactly the general path's JSON when it takes an input, and never takes what it refuses", () => {
    let taken = 0;
    let refusedByBoth = 0;
    fc.assert(
      fc.property(input, context, (i, c) => {
        const { predictionId, ...ctx } = c as FastContext & { predictionId: string };
        const p: PendingEvent = { type: "ml.prediction", input: i, at: Date.UTC(2026, 10, 27), predictionId };
        const g = general(p, ctx);
        const fast = fastPredictionJson(p, g.id, ctx);
        if (fast !== undefined) {
          taken++;
          expect(fast).toBe(g.json);
        } else if (g.json === undefined) refusedByBoth++;
      }),
      { numRuns: 4_000, seed: 20261127 },
    );
    // Not vacuous: a good share of inputs went through the fast path, and refusals were seen too.
    expect(taken).toBeGreaterThan(250);
    expect(refusedByBoth).toBeGreaterThan(400);
  });

  it("takes the common shape: model, label, score, candidates, flat features, tags", () => {
    const ctx: FastContext = {
      source: "svc",
      model: { name: "router", version: "v1" },
      sampleRate: 1,
      filter: { allow: undefined, deny: undefined },
    };
    const p: PendingEvent = {
      type: "ml.prediction",
      at: Date.UTC(2026, 10, 27),
      predictionId: "p-1",
      input: {
        task: "ranking",
        output: { label: "billing", score: 0.91, candidates: [{ id: "billing", score: 0.91 }, { id: "tech" }], k: 2 },
        features: { words: 120, plan: "pro", vip: true, missing: null, tags: ["a", "b"] },
        tags: { region: "eu" },
        latencyMs: 4.5,
      },
    };
    const g = general(p, ctx);
    expect(fastPredictionJson(p, g.id, ctx)).toBe(g.json);
    expect(g.json).toContain('"candidates":[{"id":"billing","score":0.91,"rank":1},{"id":"tech","rank":2}]');
  });

  it("reads each feature value once, so a getter cannot slip an unchecked value into the JSON", () => {
    let reads = 0;
    const features = {
      get flaky(): unknown {
        return reads++ === 0 ? 1 : { nested: true };
      },
    };
    const ctx: FastContext = {
      source: "s",
      model: { name: "m", version: "1" },
      sampleRate: 1,
      filter: { allow: undefined, deny: undefined },
    };
    const json = fastPredictionJson(
      { type: "ml.prediction", input: { output: {}, features }, at: 0, predictionId: "p" },
      "id",
      ctx,
    );
    expect(JSON.parse(json as string).data.features).toEqual({ flaky: 1 });
    expect(reads).toBe(1);
  });

  it("leaves a throwing getter to the general path", () => {
    const input = {
      output: {},
      get features(): never {
        throw new Error("boom");
      },
    };
    const ctx: FastContext = {
      source: "s",
      model: { name: "m", version: "1" },
      sampleRate: 1,
      filter: { allow: undefined, deny: undefined },
    };
    expect(fastPredictionJson({ type: "ml.prediction", input, at: 0, predictionId: "p" }, "id", ctx)).toBeUndefined();
  });

  it("leaves an event logged from a getter of the input being written to the general path, and writes the outer one whole", () => {
    const ctx: FastContext = {
      source: "s",
      model: { name: "m", version: "1" },
      sampleRate: 1,
      filter: { allow: undefined, deny: undefined },
    };
    const inner: (string | undefined)[] = [];
    const features = {
      before: 1,
      get logsAgain(): number {
        inner.push(
          fastPredictionJson(
            { type: "ml.prediction", input: { output: { label: "x" } }, at: 0, predictionId: "q" },
            "inner",
            ctx,
          ),
        );
        return 2;
      },
      after: "z",
    };
    const json = fastPredictionJson(
      { type: "ml.prediction", input: { output: { label: "y" }, features }, at: 0, predictionId: "p" },
      "outer",
      ctx,
    );
    expect(inner).toEqual([undefined]);
    expect(JSON.parse(json as string)).toMatchObject({
      id: "outer",
      data: { predictionId: "p", output: { label: "y" }, features: { before: 1, logsAgain: 2, after: "z" } },
    });
    // Not left busy: the next event takes the fast path again.
    expect(
      fastPredictionJson({ type: "ml.prediction", input: { output: {} }, at: 0, predictionId: "r" }, "next", ctx),
    ).toBeDefined();
  });
});

describe("fast prediction path: strings", () => {
  const ctx: FastContext = {
    source: "svc",
    model: { name: "router", version: "v1" },
    sampleRate: 1,
    filter: { allow: undefined, deny: undefined },
  };
  /** Every place a caller's string lands in the JSON, filled with `t` (and `k` as a key). */
  const everywhere = (t: string, k: string, at = Date.UTC(2026, 10, 27)): PendingEvent => ({
    type: "ml.prediction",
    at,
    predictionId: `p${t}`,
    input: {
      model: { name: `m${t}`, version: `v${t}`, environment: `e${t}` },
      output: { label: t, candidates: [{ id: `c${t}`, label: t }] },
      features: { [k]: t, [`${k}2`]: [t, "x"] },
      tags: { [k]: t },
      subjectKey: `s${t}`,
    },
  });
  const tricky = [
    'a"b',
    "a\\b",
    "\\",
    "\u0000",
    "x\u001fy",
    "tab\there",
    "line\nbreak",
    "\ud800",
    "x\udc00",
    "\udc00\ud800",
    "😀",
    "é€",
    "\u2028\u2029",
    "\x7f",
    "</script>",
    "plain-ascii_1",
  ];

  it("writes what the general path writes for quotes, backslashes, controls, lone surrogates (as U+FFFD) and non-ASCII", () => {
    for (const t of tricky) {
      for (const k of [t, "f"]) {
        const p = everywhere(t, k);
        const g = general(p, ctx);
        expect(g.json, `general path refused ${JSON.stringify(t)}`).toBeDefined();
        expect(fastPredictionJson(p, g.id, ctx)).toBe(g.json);
      }
    }
  });

  it("agrees with the general path for strings mixing escaped, surrogate and plain code units", () => {
    const unit = fc.oneof(
      fc.constantFrom(
        '"',
        "\\",
        "\u0000",
        "\u001f",
        "\n",
        "\ud83d",
        "\ude00",
        "\udfff",
        "é",
        "\u2028",
        "\x7f",
        "~",
        " ",
      ),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
      fc.string({ minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 12 }), (t) => {
        const p = everywhere(t, t);
        const g = general(p, ctx);
        const fast = fastPredictionJson(p, g.id, ctx);
        if (fast !== undefined) expect(fast).toBe(g.json);
        else expect(g.json).toBeUndefined();
      }),
      { numRuns: 2_000, seed: 20261127 },
    );
  });

  it("checks and writes feature names the same on every event, however many distinct names come by", () => {
    // More distinct names than the fast path keeps, each seen twice, with refused names among them.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5_000; i += 7) {
        const name = i % 10 === 0 ? `q"${i}` : `feature_${i}`;
        const p: PendingEvent = {
          type: "ml.prediction",
          at: 0,
          predictionId: "p",
          input: { output: {}, features: { [name]: i, ...(i % 49 === 0 ? { __proto__: null, constructor: 1 } : {}) } },
        };
        const g = general(p, ctx);
        const fast = fastPredictionJson(p, g.id, ctx);
        if (fast !== undefined) expect(fast).toBe(g.json);
        else expect(g.json).toBeUndefined();
      }
    }
    const long = "k".repeat(LIMITS.maxFeatureNameLength + 1);
    for (let round = 0; round < 2; round++) {
      const p: PendingEvent = {
        type: "ml.prediction",
        at: 0,
        predictionId: "p",
        input: { output: {}, features: { [long]: 1 } },
      };
      expect(fastPredictionJson(p, "id", ctx)).toBeUndefined();
    }
  });
});

describe("fast prediction path: the model", () => {
  it("writes each event's own model, when the app switches models or edits the one it passes", () => {
    const m: Record<string, unknown> = { name: "router", version: "v1" };
    const ctx: FastContext = { source: "svc", model: m, sampleRate: 1, filter: { allow: undefined, deny: undefined } };
    const models: (Record<string, unknown> | undefined)[] = [
      undefined, // the client's default, twice
      undefined,
      { name: "router", version: "v1" }, // equal strings, another object
      { name: "router", version: "v2" },
      { name: "router", version: "v2", environment: "prod" },
      { name: "router", version: "v2", environment: "staging" },
      { name: "router", version: "v2" },
      { name: "router", version: "v2", trainedAt: "2026-01-01T00:00:00Z" }, // left to the general path
      { name: "ranker", version: "v2" },
      { name: 'q"', version: "v2" },
      { name: "", version: "v2" }, // refused by both
    ];
    for (const model of models) {
      const p: PendingEvent = { type: "ml.prediction", at: 0, predictionId: "p", input: { output: {}, model } };
      const g = general(p, ctx);
      const fast = fastPredictionJson(p, g.id, ctx);
      if (model?.trainedAt) expect(fast).toBeUndefined();
      else if (fast !== undefined) expect(fast).toBe(g.json);
      else expect(g.json).toBeUndefined();
    }
    m.version = "v9"; // the default model, edited in place
    const p: PendingEvent = { type: "ml.prediction", at: 0, predictionId: "p", input: { output: {} } };
    const g = general(p, ctx);
    const fast = fastPredictionJson(p, g.id, ctx);
    expect(fast).toBe(g.json);
    expect(JSON.parse(fast as string).data.model).toEqual({ name: "router", version: "v9" });
  });
});
