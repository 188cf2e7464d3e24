import { describe, expect, it } from "vitest";
import type { PendingEvent } from "./build-event.js";
import { compiledValidateEvent } from "./compiled.js";
import { liteValidateEvent } from "./lite-validate.js";
import { resolveOptions } from "./options.js";
import { type PrepareContext, type Prepared, prepare } from "./prepare.js";
import { prepareFast } from "./prepare-fast.js";
import { MODEL, predictionInput, setup } from "./test-helpers.js";
import { MemoryTransport } from "./testing/memory-transport.js";
import { uuidv7Time } from "./uuidv7.js";
import { type EventValidator, validateEvent } from "./validate.js";

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
  it("is what the zod validators carry; the zod-free ones leave the client on the general path", () => {
    expect(validateEvent.prepare).toBe(prepareFast);
    expect(compiledValidateEvent.prepare).toBe(prepareFast);
    expect(liteValidateEvent.prepare).toBeUndefined();
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

  it("is the step the client runs when its validator carries one", async () => {
    const seen: string[] = [];
    const validator: EventValidator = Object.assign(
      (t: Parameters<EventValidator>[0], e: unknown) => validateEvent(t, e),
      {
        prepare: (p: PendingEvent, c: PrepareContext) => {
          seen.push(p.type);
          return prepareFast(p, c);
        },
      },
    );
    const { client, transport } = setup({ validator });
    client.logPrediction(predictionInput(0));
    client.logOutcome({ predictionId: "p1", label: "x" });
    await client.flush();
    expect(seen).toEqual(["ml.prediction", "ml.outcome"]);
    expect(transport.events.map((e) => e.type)).toEqual(["ml.prediction", "ml.outcome"]);
  });
});
