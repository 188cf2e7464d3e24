import { describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import type { PendingEvent } from "./build-event.js";
import { compiledValidateEvent } from "./compiled.js";
import { fastPredictionJson } from "./fast-prediction.js";
import { liteValidateEvent } from "./lite-validate.js";
import { EVENT_TYPES } from "./schema/enums.js";
import type { EventType } from "./schema/events.js";
import { TIME_HINT, typeHint } from "./schema/issues.js";
import { DATETIME_PATTERN, TRACEPARENT_PATTERN } from "./schema/patterns.js";
import { SCHEMA_BY_TYPE, validateEvent } from "./validate.js";

/**
 * The zod schemas are the wire contract; the lite validator (browser development build) and the
 * Node fast path (`fastPredictionJson`) are hand-written copies of it, for bytes and for speed.
 * This test reads the zod schemas themselves (their shapes and checks, not a list kept here) and
 * holds each copy to them: every field of every event type, every bound at the limit and one past
 * it, every enum member. A field added to a schema alone, or a limit changed in one place only,
 * fails here.
 */

type Schema = z.ZodMiniType;
// zod's internal definitions: the one place a test reads them, to see what the schemas say.
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  options?: Schema[];
  entries?: Record<string, string>;
  values?: unknown[];
  format?: string;
  pattern?: RegExp;
  checks?: { _zod: { def: CheckDef } }[];
}
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
  error?: () => unknown;
}
const defOf = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (s: Schema): CheckDef[] => (defOf(s).checks ?? []).map((c) => c._zod.def);
const unwrap = (s: Schema): Schema => (defOf(s).type === "optional" ? unwrap(defOf(s).innerType as Schema) : s);

interface Bounds {
  minLength?: number;
  maxLength?: number;
  low?: { value: number; inclusive: boolean };
  high?: { value: number; inclusive: boolean };
  integer: boolean;
  pattern?: RegExp;
  maxKeys?: number;
}
function boundsOf(s: Schema): Bounds {
  const def = defOf(s);
  const b: Bounds = { integer: def.format === "safeint" };
  if (def.pattern) b.pattern = def.pattern;
  for (const c of checksOf(s)) {
    if (c.check === "min_length") b.minLength = c.minimum as number;
    else if (c.check === "max_length") b.maxLength = c.maximum as number;
    else if (c.check === "greater_than") b.low = { value: c.value as number, inclusive: c.inclusive === true };
    else if (c.check === "less_than") b.high = { value: c.value as number, inclusive: c.inclusive === true };
    else if (c.check === "string_format" && c.pattern) b.pattern = c.pattern;
    else if (c.check === "custom") {
      // boundedRecord's refinement states its bound in its message ("has more than N keys").
      const said = /has more than (\d+) keys/.exec(JSON.stringify(c.error?.() ?? ""));
      if (said) b.maxKeys = Number(said[1]);
    }
  }
  return b;
}

const SAMPLE_TIME = "2026-01-02T03:04:05.678Z";
const SAMPLE_TRACEPARENT = `00-${"a".repeat(32)}-${"b".repeat(16)}-01`;
function patternSample(pattern: RegExp): string {
  if (pattern.source === DATETIME_PATTERN.source) return SAMPLE_TIME;
  if (pattern.source === TRACEPARENT_PATTERN.source) return SAMPLE_TRACEPARENT;
  throw new Error(`no sample for a new pattern ${pattern}: add one to contract-copies.test.ts`);
}
function numberSample(b: Bounds): number {
  const { low, high } = b;
  if (low && high) return low.inclusive && high.value > low.value + 1 ? low.value : (low.value + high.value) / 2;
  if (low) return low.inclusive ? low.value : low.value + 1;
  if (high) return high.inclusive ? high.value : high.value - 1;
  return 7;
}

/** A valid value of `s`; `full` puts every optional field in, else only the required ones. */
function sample(s: Schema, full: boolean): unknown {
  const def = defOf(s);
  const b = boundsOf(s);
  switch (def.type) {
    case "optional":
      return sample(def.innerType as Schema, full);
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape as Record<string, Schema>))
        if (full || defOf(v).type !== "optional") out[k] = sample(v, full);
      return out;
    }
    case "string":
      return b.pattern ? patternSample(b.pattern) : "s".repeat(Math.max(1, b.minLength ?? 0));
    case "number":
      return numberSample(b);
    case "boolean":
      return true;
    case "null":
      return null;
    case "enum":
      return Object.values(def.entries as Record<string, string>)[0];
    case "literal":
      return (def.values as unknown[])[0];
    case "union":
      return sample((def.options as Schema[])[0] as Schema, full);
    case "array":
      return Array.from({ length: Math.max(1, b.minLength ?? 0) }, () => sample(def.element as Schema, full));
    case "record":
      return { [sample(def.keyType as Schema, full) as string]: sample(def.valueType as Schema, full) };
    default:
      throw new Error(`contract-copies.test.ts does not know zod type "${def.type}" yet: teach sample() and walk()`);
  }
}

/** Every place in `s` that holds a value, with the schema there (records' keys as the segment "k"). */
function* walk(s: Schema, path: (string | number)[] = []): Generator<{ path: (string | number)[]; schema: Schema }> {
  const inner = unwrap(s);
  const def = defOf(inner);
  yield { path, schema: inner };
  if (def.type === "object") for (const [k, v] of Object.entries(def.shape ?? {})) yield* walk(v, [...path, k]);
  else if (def.type === "array") yield* walk(def.element as Schema, [...path, 0]);
  else if (def.type === "record") yield* walk(def.valueType as Schema, [...path, "k"]);
  else if (def.type === "union") for (const o of def.options ?? []) if (defOf(o).type !== "union") yield* walk(o, path);
}

/** A minimal valid value of `s` that holds `leaf` at `path` (the parents on the way filled in). */
function place(s: Schema, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const def = defOf(unwrap(s));
  const [head, ...rest] = path;
  if (def.type === "union") {
    const wanted = typeof head === "number" ? "array" : "object|record";
    const option = (def.options ?? []).find((o) => wanted.includes(defOf(o).type)) as Schema;
    return place(option, path, leaf);
  }
  if (def.type === "array") {
    const filler = Array.from({ length: Math.max(0, (boundsOf(unwrap(s)).minLength ?? 0) - 1) }, () =>
      sample(def.element as Schema, false),
    );
    return [place(def.element as Schema, rest, leaf), ...filler];
  }
  if (def.type === "record") return { k: place(def.valueType as Schema, rest, leaf) };
  const out = sample(unwrap(s), false) as Record<string, unknown>;
  out[head as string] = place((def.shape as Record<string, Schema>)[head as string] as Schema, rest, leaf);
  return out;
}

interface Probe {
  what: string;
  value: unknown;
  valid: boolean;
  /** Where the probe goes, when not at the walked path itself (a record's key bounds). */
  asKey?: boolean;
}
const repeat = (n: number) => "a".repeat(n);
function probesFor(schema: Schema): Probe[] {
  const def = defOf(schema);
  const b = boundsOf(schema);
  const probes: Probe[] = [];
  if (def.type === "string" && !b.pattern) {
    if (b.maxLength !== undefined) {
      probes.push({ what: `${b.maxLength} characters`, value: repeat(b.maxLength), valid: true });
      probes.push({ what: `${b.maxLength + 1} characters`, value: repeat(b.maxLength + 1), valid: false });
    }
    if (b.minLength)
      probes.push({ what: `${b.minLength - 1} characters`, value: repeat(b.minLength - 1), valid: false });
  }
  if (def.type === "string" && b.pattern) {
    probes.push({ what: "the pattern's sample", value: patternSample(b.pattern), valid: true });
    probes.push({ what: "text off the pattern", value: `${patternSample(b.pattern)}x`, valid: false });
  }
  if (def.type === "number") {
    const step = b.integer ? 1 : 0.001;
    if (b.low) {
      probes.push({ what: `the low bound ${b.low.value}`, value: b.low.value, valid: b.low.inclusive });
      probes.push({ what: `below ${b.low.value}`, value: b.low.value - step, valid: false });
    }
    if (b.high) {
      probes.push({ what: `the high bound ${b.high.value}`, value: b.high.value, valid: b.high.inclusive });
      probes.push({ what: `above ${b.high.value}`, value: b.high.value + step, valid: false });
    }
    if (b.integer) probes.push({ what: "a fraction", value: numberSample(b) + 0.5, valid: false });
  }
  if (def.type === "enum" || def.type === "literal") {
    const members = def.type === "enum" ? Object.values(def.entries ?? {}) : (def.values ?? []);
    for (const m of members) probes.push({ what: `member ${JSON.stringify(m)}`, value: m, valid: true });
    probes.push({ what: "a non-member", value: "not-a-member", valid: false });
  }
  if (def.type === "array") {
    const item = sample(def.element as Schema, false);
    if (b.maxLength !== undefined) {
      probes.push({ what: `${b.maxLength} items`, value: Array(b.maxLength).fill(item), valid: true });
      probes.push({ what: `${b.maxLength + 1} items`, value: Array(b.maxLength + 1).fill(item), valid: false });
    }
    if (b.minLength) probes.push({ what: `${b.minLength - 1} items`, value: [], valid: false });
  }
  if (def.type === "record") {
    const value = sample(def.valueType as Schema, false);
    const keyBounds = boundsOf(def.keyType as Schema);
    const withKeys = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, value]));
    if (keyBounds.maxLength !== undefined) {
      const at = repeat(keyBounds.maxLength);
      probes.push({ what: `a ${keyBounds.maxLength}-character key`, value: withKeys([at]), valid: true });
      probes.push({ what: `a ${keyBounds.maxLength + 1}-character key`, value: withKeys([`${at}a`]), valid: false });
    }
    probes.push({ what: "an empty key", value: withKeys([""]), valid: false });
    if (b.maxKeys !== undefined) {
      const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
      probes.push({ what: `${b.maxKeys} keys`, value: withKeys(keys(b.maxKeys)), valid: true });
      probes.push({ what: `${b.maxKeys + 1} keys`, value: withKeys(keys(b.maxKeys + 1)), valid: false });
    }
  }
  return probes;
}

const show = (path: (string | number)[]) => path.join(".");
const eventSchemaOf = (type: EventType): Schema => SCHEMA_BY_TYPE[type] as Schema;

describe("the hand-written copies of the wire contract, held to the zod schemas", () => {
  it.each(EVENT_TYPES)(
    "%s: an event with every optional field comes out of the lite validator as out of zod",
    (type) => {
      const event = sample(eventSchemaOf(type), true);
      const zod = validateEvent(type, event);
      const lite = liteValidateEvent(type, event);
      expect(zod.ok).toBe(true);
      expect(lite).toEqual(zod);
    },
  );

  it.each(EVENT_TYPES)("%s: every bound and enum of the schema, at the limit and one past it", (type) => {
    const schema = eventSchemaOf(type);
    let probed = 0;
    for (const { path, schema: at } of walk(schema)) {
      for (const probe of probesFor(at)) {
        const event = place(schema, path, probe.value);
        const where = `${show(path)} = ${probe.what}`;
        const zod = validateEvent(type, event);
        const compiled = compiledValidateEvent(type, event);
        const lite = liteValidateEvent(type, event);
        // The probe itself is right about the schema (else this walker misread it).
        expect(zod.ok, where).toBe(probe.valid);
        expect(compiled.ok, where).toBe(probe.valid);
        expect(lite.ok, where).toBe(probe.valid);
        if (!zod.ok && !lite.ok) expect(lite.error.message, where).toBe(zod.error.message);
        probed++;
      }
    }
    expect(probed).toBeGreaterThan(10);
  });

  it("the Node fast path never writes a prediction the schema refuses, probed at every bound", () => {
    const schema = eventSchemaOf("ml.prediction");
    const ctx = {
      source: "copies-test",
      model: undefined,
      sampleRate: 1,
      filter: { allow: undefined, deny: undefined },
    };
    let taken = 0;
    let refused = 0;
    for (const { path, schema: at } of walk(schema)) {
      // The caller's input is `data` without its predictionId; the envelope is the client's own.
      if (path[0] !== "data" || path[1] === "predictionId" || path.length < 2) continue;
      for (const probe of probesFor(at)) {
        const event = place(schema, path, probe.value) as { data: Record<string, unknown> };
        const { predictionId, ...input } = event.data;
        const pending = { type: "ml.prediction", input, predictionId, at: Date.UTC(2026, 0, 2) } as PendingEvent;
        const json = fastPredictionJson(pending, "0190a000-0000-7000-8000-000000000000", ctx);
        const where = `${show(path)} = ${probe.what}`;
        if (json === undefined) continue;
        taken++;
        const zod = validateEvent("ml.prediction", JSON.parse(json));
        expect(zod.ok, where).toBe(true);
        expect(probe.valid, where).toBe(true);
        if (!probe.valid) refused++;
      }
    }
    // The fast path covers the common shape: model, output, features, tags at their bounds.
    expect(taken).toBeGreaterThan(20);
    expect(refused).toBe(0);
  });

  it("the messages' list of time fields (issues.ts TIME_FIELD) is the schemas' datetime fields", () => {
    const times = new Set<string>();
    const others = new Set<string>();
    for (const type of EVENT_TYPES)
      for (const { path, schema } of walk(eventSchemaOf(type))) {
        const def = defOf(schema);
        if (def.type === "string") (def.format === "datetime" ? times : others).add(show(path));
      }
    expect(times.size).toBeGreaterThan(0);
    for (const field of times) expect(typeHint(field, "string", 1_761_609_600_000), field).toBe(TIME_HINT);
    for (const field of others) expect(typeHint(field, "string", 1), field).not.toBe(TIME_HINT);
  });
});
