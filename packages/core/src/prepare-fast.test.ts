import { describe, expect, it } from "vitest";
import { createBaseClient } from "./base-client.js";
import type { PendingEvent } from "./build-event.js";
import { createClient } from "./client.js";
import { compiledValidateEvent } from "./compiled.js";
import { liteValidateEvent } from "./lite-validate.js";
import { resolveOptions } from "./options.js";
import type { EventValidator, PrepareContext, Prepared, PrepareStep } from "./pipeline.js";
import { prepare } from "./prepare.js";
import { prepareFast, warmPrepareFast } from "./prepare-fast.js";
import { MODEL, predictionInput } from "./test-helpers.js";
import { MemoryTransport } from "./testing/memory-transport.js";
import { uuidv7Time } from "./uuidv7.js";
import { validateEvent } from "./validate.js";

const context = (validate: EventValidator): PrepareContext => {
  const o = resolveOptions({ transport: new MemoryTransport(), source: "test-app", model: MODEL }, validate);
  return { ...o, filter: { allow: undefined, deny: undefined }, validate };
};
const pending = (input: unknown): PendingEvent => ({
  type: "ml.prediction",
  input,
  at: 1_790_000_000_000,
  predictionId: "p1",
});
const json = (r: Prepared) => (r.ok ? JSON.parse(r.json) : r);

describe("the fused prediction path (prepareFast)", () => {
  it("is a step of its own: no validator carries a prepare step", () => {
    for (const validator of [validateEvent, compiledValidateEvent, liteValidateEvent])
      expect(Object.keys(validator)).toEqual([]);
  });

  it("writes what the general path writes, with the same id", () => {
    const ctx = context(validateEvent);
    const fast = prepareFast(pending(predictionInput(3)), ctx);
    expect(fast.ok).toBe(true);
    if (!fast.ok) return;
    const general = prepare(pending(predictionInput(3)), ctx, fast.id);
    expect(general).toEqual({ ...fast, json: expect.any(String) });
    expect(json(general)).toEqual(json(fast));
  });

  it("leaves shapes it does not cover to the general path, keeping the id it made", () => {
    const ctx = context(validateEvent);
    const r = prepareFast(pending({ ...predictionInput(1), time: "2026-01-01T00:00:00Z" }), ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(uuidv7Time(r.id)).toBe(1_790_000_000_000);
    expect(json(r)).toMatchObject({ id: r.id, time: "2026-01-01T00:00:00Z" });
  });

  /** A client whose pipeline is `validator` with a step that records each type it prepares. */
  const recording = (validator: EventValidator, options: { validator?: EventValidator } = {}) => {
    const seen: string[] = [];
    const step: PrepareStep = (p, c) => {
      seen.push(p.type);
      return prepareFast(p, c);
    };
    const transport = new MemoryTransport();
    const client = createBaseClient(
      { transport, source: "test-app", model: MODEL, logger: false, ...options },
      { validator, prepare: step },
    );
    return { client, transport, seen };
  };

  it("is the step the client runs when the adapter's pipeline passes it", async () => {
    const { client, transport, seen } = recording(compiledValidateEvent);
    client.logPrediction(predictionInput(0));
    client.logOutcome({ predictionId: "p1", label: "x" });
    await client.flush();
    expect(seen).toEqual(["ml.prediction", "ml.outcome"]);
    expect(transport.events.map((e) => e.type)).toEqual(["ml.prediction", "ml.outcome"]);
  });

  it("is not run with a `validator` option other than the pipeline's: that validator is asked for every event", async () => {
    const asked: string[] = [];
    const mine: EventValidator = (type, event) => {
      asked.push(type);
      return validateEvent(type, event);
    };
    const { client, transport, seen } = recording(validateEvent, { validator: mine });
    client.logPrediction(predictionInput(0));
    client.logOutcome({ predictionId: "p1", label: "x" });
    await client.flush();
    expect(seen).toEqual([]);
    expect(asked).toEqual(["ml.prediction", "ml.outcome"]);
    expect(transport.events.map((e) => e.type)).toEqual(["ml.prediction", "ml.outcome"]);
    // The pipeline's own validator given as the option keeps its step.
    const same = recording(validateEvent, { validator: validateEvent });
    same.client.logPrediction(predictionInput(0));
    await same.client.flush();
    expect(same.seen).toEqual(["ml.prediction"]);
  });
});

describe("warming the fused path (warmPrepareFast)", () => {
  it("prepares its made-up event, and the events logged after it carry their own model, features and source", async () => {
    expect(warmPrepareFast(validateEvent)).toMatchObject({ ok: true, type: "ml.prediction" });
    const transport = new MemoryTransport();
    const client = createClient({ transport, source: "after-warm-up", model: { name: "real", version: "7" } });
    client.logPrediction({ output: { label: "b" }, features: { n: 2, s: "x" } });
    await client.flush();
    const [event] = transport.events;
    expect(event).toMatchObject({
      source: "after-warm-up",
      data: { model: { name: "real", version: "7" }, output: { label: "b" }, features: { n: 2, s: "x" } },
    });
    expect(client.stats()).toMatchObject({ logged: 1, sent: 1 });
  });
});
