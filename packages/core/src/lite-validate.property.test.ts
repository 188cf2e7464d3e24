import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { liteValidateEvent } from "./lite-validate.js";
import { FEEDBACK_ACTIONS, FEEDBACK_KINDS, OUTCOME_SOURCES, PROFILE_COLUMN_KINDS, TASKS } from "./schema/enums.js";
import { EVENT_TYPES, type EventType, eventSchema } from "./schema/events.js";
import { LIMITS } from "./schema/limits.js";
import { validateEvent } from "./validate.js";

/**
 * The zod schemas are the contract; the lite validator is a smaller copy of it for browsers.
 * Soundness: whatever the lite validator accepts, zod accepts too, with the same output.
 * Precision: on near-valid input (plain objects, BMP strings) both decide the same way.
 */

const hostileKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "", "k".repeat(200));
const anything = fc.anything({
  maxDepth: 2,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withMap: true,
  withSet: true,
  withBoxedValues: true,
  key: fc.oneof(fc.string(), hostileKey),
});

type Arb<T = unknown> = fc.Arbitrary<T>;
/** Mostly `valid`, sometimes an edge case of the same kind, sometimes anything at all. */
const mostly = (valid: Arb, edge?: Arb): Arb =>
  fc.oneof({ weight: 40, arbitrary: valid }, ...(edge ? [{ weight: 2, arbitrary: edge }] : []), {
    weight: 1,
    arbitrary: anything,
  });
const opt = (a: Arb): Arb => fc.option(a, { nil: undefined, freq: 3 });

const aroundLength = (max: number, min = 0) =>
  fc.constantFrom(
    "",
    "x",
    "a".repeat(Math.max(min, max - 1)),
    "a".repeat(max),
    "a".repeat(max + 1),
    "😀".repeat(max), // max code points in 2*max UTF-16 units: within a code-point limit
    `${"😀".repeat(max)}a`,
    `${"\ud800".repeat(max)}`, // lone surrogates count one each
  );
const str = (max: number, min = 0) =>
  mostly(fc.string({ minLength: min, maxLength: Math.min(max, 12) }), aroundLength(max, min));
const idS = str(LIMITS.maxIdLength, 1);
const nameS = str(LIMITS.maxNameLength, 1);
const edgeNumbers = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  1e-300,
  -1e-300,
  2 ** 53,
  2 ** 53 - 1,
  Number.NaN,
  Infinity,
);
const num = mostly(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), edgeNumbers);
const nonNeg = mostly(fc.oneof(fc.double({ min: 0, noNaN: true, max: 1e9 }), fc.nat()), edgeNumbers);
const int0 = mostly(fc.nat(), edgeNumbers);
const unit = mostly(fc.double({ min: 0, max: 1, noNaN: true }), edgeNumbers);
const time = mostly(
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date("2100-01-01") }).map((d) => d.toISOString()),
  fc.constantFrom(
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2000-02-29T12:00:00.5+01:00",
    "1900-02-29T12:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00Z",
    "2024-01-01T00:00:00",
    "2024-01-01T00:00:00.123456-23:59",
    "2024-01-01T00:00:00+24:00",
    "2024-01-01t00:00:00z",
    " 2024-01-01T00:00:00Z",
  ),
);
const oneOf = (...v: unknown[]) => mostly(fc.constantFrom(...v), fc.constantFrom("", "nope", 1, null));
const label = mostly(
  fc.oneof(fc.string({ maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
  aroundLength(LIMITS.maxNameLength),
);
const arrayOf = (item: Arb, max: number, min = 0) =>
  mostly(
    fc.array(item, { minLength: min, maxLength: Math.min(max, 4) }),
    fc.constantFrom(max, max + 1, 0).chain((n) => fc.array(item, { minLength: n, maxLength: n })),
  );
const many = (n: number, value: unknown) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));
const recordOf = (keyMax: number, value: Arb, maxKeys: number, sample: unknown) =>
  mostly(
    fc.dictionary(
      fc.oneof(
        { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
        { weight: 1, arbitrary: hostileKey },
        { weight: 1, arbitrary: aroundLength(keyMax) },
      ),
      value,
      { maxKeys: 5 },
    ),
    fc.constantFrom(many(maxKeys, sample), many(maxKeys + 1, sample), Object.create(null), new Map(), []),
  );

const model = mostly(
  fc.record(
    {
      name: nameS,
      version: nameS,
      environment: opt(str(LIMITS.maxEnvironmentLength, 1)),
      trainedAt: opt(time),
      dataCutoff: opt(time),
      deployedAt: opt(time),
    },
    { requiredKeys: ["name", "version"] },
  ),
);
const featureValue = mostly(
  fc.oneof(
    num,
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  ),
  fc.oneof(
    aroundLength(LIMITS.maxFeatureStringLength),
    fc.constantFrom(Array(LIMITS.maxFeatureArrayLength + 1).fill("a"), [1], [null]),
  ),
);
const features = recordOf(LIMITS.maxFeatureNameLength, featureValue, LIMITS.maxFeatures, 1);
const linked = { predictionId: idS, modelName: nameS, predictionTime: opt(time), subjectKey: opt(idS) };
const req = (keys: string[]) => ({ requiredKeys: keys as never });

const DATA: Record<EventType, Arb> = {
  "ml.prediction": fc.record(
    {
      predictionId: idS,
      model,
      task: opt(oneOf(...TASKS)),
      output: mostly(
        fc.record(
          {
            label: opt(label),
            labels: opt(arrayOf(str(LIMITS.maxNameLength), LIMITS.maxLabels)),
            score: opt(num),
            probabilities: opt(recordOf(LIMITS.maxNameLength, unit, LIMITS.maxCandidates, 0.5)),
            candidates: opt(
              arrayOf(
                fc.record(
                  {
                    id: idS,
                    label: opt(label),
                    score: opt(num),
                    rank: mostly(fc.integer({ min: 1, max: 50 }), edgeNumbers),
                    itemAgeSeconds: opt(nonNeg),
                  },
                  req(["id", "rank"]),
                ),
                LIMITS.maxCandidates,
              ),
            ),
            k: opt(mostly(fc.integer({ min: 1, max: 20 }), edgeNumbers)),
          },
          { requiredKeys: [] },
        ),
      ),
      features: opt(features),
      tags: opt(recordOf(LIMITS.maxTagKeyLength, str(LIMITS.maxTagValueLength), LIMITS.maxTags, "v")),
      subjectKey: opt(idS),
      latencyMs: opt(nonNeg),
      outcomeTtlSeconds: opt(mostly(fc.integer({ min: 1 }), edgeNumbers)),
      shadow: opt(mostly(fc.boolean(), fc.constantFrom("true", 1, null))),
    },
    req(["predictionId", "model", "output"]),
  ),
  "ml.exposure": fc.record(
    {
      ...linked,
      shown: arrayOf(fc.record({ id: idS, position: int0 }), LIMITS.maxShown, 1),
      surface: nameS,
      ignoreAfterMs: opt(mostly(fc.integer({ min: 1 }), edgeNumbers)),
    },
    req(["predictionId", "modelName", "shown", "surface"]),
  ),
  "ml.feedback": fc.record(
    {
      ...linked,
      action: oneOf(...FEEDBACK_ACTIONS),
      kind: oneOf(...FEEDBACK_KINDS),
      candidateId: opt(idS),
      position: opt(int0),
      value: opt(mostly(fc.double({ min: -1, max: 1, noNaN: true }), edgeNumbers)),
      dwellMs: opt(nonNeg),
      exposureId: opt(idS),
    },
    req(["predictionId", "modelName", "action", "kind"]),
  ),
  "ml.outcome": fc.record(
    {
      ...linked,
      label: opt(label),
      labels: opt(arrayOf(str(LIMITS.maxNameLength), LIMITS.maxLabels)),
      relevantIds: opt(arrayOf(idS, LIMITS.maxCandidates)),
      metrics: opt(recordOf(LIMITS.maxTagKeyLength, num, LIMITS.maxMetrics, 1)),
      source: oneOf(...OUTCOME_SOURCES),
      revision: opt(int0),
    },
    req(["predictionId", "modelName", "source"]),
  ),
  "ml.features": fc.record(
    { model, features, predictionId: opt(idS), entityKey: opt(idS) },
    req(["model", "features"]),
  ),
  "ml.feature_profile": fc.record(
    {
      model,
      windowStart: time,
      windowEnd: time,
      columns: recordOf(
        LIMITS.maxFeatureNameLength,
        fc.record(
          {
            kind: oneOf(...PROFILE_COLUMN_KINDS),
            count: nonNeg,
            nulls: nonNeg,
            min: opt(num),
            max: opt(num),
            sum: opt(num),
            sketch: opt(
              fc.record({
                relativeAccuracy: unit,
                positive: recordOf(LIMITS.maxSketchKeyLength, nonNeg, LIMITS.maxSketchBins, 1),
                negative: recordOf(LIMITS.maxSketchKeyLength, nonNeg, 3, 1),
                zeroCount: nonNeg,
              }),
            ),
            distinctEstimate: opt(nonNeg),
            topValues: opt(
              arrayOf(fc.record({ value: str(LIMITS.maxFeatureStringLength), count: nonNeg }), LIMITS.maxTopValues),
            ),
          },
          req(["kind", "count", "nulls"]),
        ),
        LIMITS.maxProfileColumns,
        { kind: "numeric", count: 1, nulls: 0 },
      ),
    },
    req(["model", "windowStart", "windowEnd", "columns"]),
  ),
};

const traceparent = mostly(
  fc.tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/)).map(([t, s]) => `00-${t}-${s}-01`),
  fc.constantFrom("00-xyz", `00-${"A".repeat(32)}-${"0".repeat(16)}-01`),
);
const eventOf = (type: EventType) =>
  fc.record(
    {
      specversion: oneOf("1.0"),
      id: idS,
      source: nameS,
      time,
      subject: opt(idS),
      datacontenttype: opt(oneOf("application/json")),
      traceparent: opt(traceparent),
      samplerate: opt(unit),
      type: oneOf(type),
      data: mostly(DATA[type]),
      extra: opt(anything),
    },
    req(["specversion", "id", "source", "time", "type", "data"]),
  );
const typed = fc.constantFrom(...EVENT_TYPES).chain((type) => fc.tuple(fc.constant(type), eventOf(type)));

/** Differences that are allowed: the lite validator wants plain records without symbol keys. */
const stricterByDesign = (v: unknown): boolean => {
  let found = false;
  const walk = (x: unknown, depth: number): void => {
    if (found || depth > 6 || x === null || typeof x !== "object") return;
    const proto = Object.getPrototypeOf(x);
    if (!Array.isArray(x) && proto !== Object.prototype && proto !== null) found = true;
    if (Object.getOwnPropertySymbols(x).length > 0) found = true;
    for (const k of Object.keys(x)) walk((x as Record<string, unknown>)[k], depth + 1);
  };
  walk(v, 0);
  return found;
};

describe("liteValidateEvent against the zod contract", () => {
  it("accepts only what zod accepts, with the same output; names the field when it refuses; agrees on plain input", () => {
    const tally = { bothAccept: 0, bothRefuse: 0, onlyZod: 0 };
    fc.assert(
      fc.property(typed, ([type, event]) => {
        const lite = liteValidateEvent(type, event);
        const zod = z.safeParse(eventSchema, event);
        const full = validateEvent(type, event);
        if (lite.ok) {
          expect(zod.success).toBe(true);
          expect(full.ok).toBe(true);
          expect(lite.event).toEqual(zod.data);
          expect(JSON.stringify(lite.event)).toBe(JSON.stringify(zod.data));
          tally.bothAccept++;
        } else {
          expect(lite.error.field.length).toBeGreaterThan(0);
          expect(lite.error.message).toMatch(new RegExp(`^Invalid ${type} event: .*\``));
          if (lite.error.field !== "(root)") expect(lite.error.message).toContain(`\`${lite.error.field}\``);
          if (full.ok) {
            // Only where the lite validator is stricter on purpose.
            expect(stricterByDesign(event)).toBe(true);
            tally.onlyZod++;
          } else tally.bothRefuse++;
        }
      }),
      { numRuns: 4000 },
    );
    // Not vacuous: a good share of the input is valid and a good share is not.
    expect(tally.bothAccept).toBeGreaterThan(400);
    expect(tally.bothRefuse).toBeGreaterThan(400);
  });

  it("refuses what is not an event, and reserved keys by field", () => {
    for (const v of [null, undefined, 1, "x", [], () => {}]) {
      const r = liteValidateEvent("ml.feedback", v);
      expect(r.ok).toBe(false);
      expect(r.ok || r.error.field).toBe("(root)");
    }
    const base = {
      specversion: "1.0",
      id: "e1",
      source: "s",
      time: "2024-01-01T00:00:00Z",
      type: "ml.outcome",
      data: { predictionId: "p", modelName: "m", source: "system", metrics: JSON.parse('{"__proto__": 1}') },
    };
    const r = liteValidateEvent("ml.outcome", base);
    expect(r.ok ? "" : r.error.message).toBe(
      "Invalid ml.outcome event: `data.metrics.__proto__` is a reserved key (__proto__, constructor, prototype)",
    );
    expect(r.ok ? "" : r.error.field).toBe("data.metrics.__proto__");
    const full = validateEvent("ml.outcome", base);
    expect(full.ok ? "" : full.error.message).toBe(r.ok ? "" : r.error.message);
  });

  it("words the common refusals as the zod validator does", () => {
    const ev = (data: Record<string, unknown>) => ({
      specversion: "1.0",
      id: "e1",
      source: "s",
      time: "2024-01-01T00:00:00Z",
      type: "ml.prediction",
      data: { predictionId: "p", model: { name: "m", version: "1" }, output: {}, ...data },
    });
    const cases = [
      ev({ features: { blob: "x".repeat(5000) } }),
      ev({ model: { name: "m" } }),
      ev({ task: "clustering" }),
      ev({ latencyMs: -1 }),
      ev({ output: { k: 1.5 } }),
      ev({ output: { probabilities: { a: 2 } } }),
      ev({ tags: many(33, "v") }),
      ev({ model: { name: "m", version: "1", trainedAt: "yesterday" } }),
    ];
    for (const c of cases) {
      const lite = liteValidateEvent("ml.prediction", c);
      const full = validateEvent("ml.prediction", c);
      expect(lite.ok).toBe(false);
      expect(full.ok).toBe(false);
      if (!lite.ok && !full.ok) {
        expect(lite.error.field).toBe(full.error.field);
        expect(lite.error.message).toBe(full.error.message.replace(/ \(and \d+ more\)$/, ""));
      }
    }
  });
});
