import { describe, expect, it } from "vitest";
import { liteValidateEvent } from "./lite-validate.js";
import { predictionInput, setup } from "./test-helpers.js";
import { uncheckedEvent } from "./unchecked.js";
import { uuidv7Time } from "./uuidv7.js";
import { validateEvent } from "./validate.js";

describe("log calls", () => {
  it("turns each log call into a valid CloudEvent and delivers it on flush", async () => {
    const { client, transport, clock } = setup();
    const { predictionId } = client.logPrediction(predictionInput(1));
    client.logExposure({ predictionId, shown: ["billing", "tech"], surface: "reply-box" });
    client.logFeedback({ predictionId, action: "accepted", candidateId: "billing" });
    client.logOutcome({ predictionId, label: "billing" });
    client.logFeatures({ predictionId, features: { queueDepth: 4 } });
    const r = await client.flush();
    expect(r).toEqual({ ok: true, sent: 5, dropped: 0, pending: 0 });
    const events = transport.events;
    expect(events.map((e) => e.type)).toEqual([
      "ml.prediction",
      "ml.exposure",
      "ml.feedback",
      "ml.outcome",
      "ml.features",
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    for (const e of events) {
      expect(e.specversion).toBe("1.0");
      expect(e.source).toBe("test-app");
      expect(e.time).toBe(new Date(clock.now()).toISOString());
      expect(uuidv7Time(e.id)).toBe(clock.now());
    }
    const [p, x, f, o] = events;
    expect(p?.subject).toBe(predictionId);
    expect(p?.type === "ml.prediction" && p.data.output.candidates?.map((c) => c.rank)).toEqual([1, 2, 3]);
    expect(x?.type === "ml.exposure" && x.data).toEqual({
      predictionId,
      modelName: "ticket-router",
      predictionTime: new Date(clock.now()).toISOString(),
      shown: [
        { id: "billing", position: 0 },
        { id: "tech", position: 1 },
      ],
      surface: "reply-box",
    });
    expect(f?.type === "ml.feedback" && f.data.kind).toBe("explicit");
    expect(o?.type === "ml.outcome" && o.data.source).toBe("system");
    expect(client.stats()).toMatchObject({ logged: 5, enqueued: 5, sent: 5, queued: 0, inFlight: 0 });
  });

  // The client copies the caller's fields as given; the validator (zod's, or the browser's lite one)
  // decides which exist, so an extra key never reaches the wire and envelope keys stay in the envelope.
  it.each([
    ["zod", validateEvent],
    ["lite", liteValidateEvent],
  ])("strips keys the contract does not have (%s validator)", async (_name, validator) => {
    const { client, transport } = setup({ validator });
    const extra = { note: "internal", time: "2026-01-02T03:04:05.000Z", traceparent: undefined };
    client.logFeedback({ predictionId: "p1", action: "accepted", ...extra } as never);
    client.logPrediction({ ...predictionInput(), debug: { raw: "x" } } as never);
    await client.flush();
    const [f, p] = transport.events;
    expect(f?.time).toBe("2026-01-02T03:04:05.000Z");
    expect(Object.keys(f?.data ?? {}).sort()).toEqual(["action", "kind", "modelName", "predictionId"]);
    expect(p?.data).not.toHaveProperty("debug");
    expect(p?.data).toHaveProperty("output.candidates.0.rank", 1);
  });

  it.each([
    ["zod", validateEvent],
    ["lite", liteValidateEvent],
  ])("says how to write a time, and where a model name comes from (%s validator)", async (_name, validator) => {
    const { client, errors } = setup({ validator, model: undefined as never });
    const model = { name: "m", version: "1" };
    client.logPrediction({ ...predictionInput(), model: { ...model, trainedAt: 1761609600000 as never } });
    client.logPrediction({ ...predictionInput(), model: { ...model, trainedAt: "2026-10-28" } });
    client.logFeedback({ predictionId: "p1", action: "accepted" });
    await client.flush();
    const hint = '(an RFC 3339 time with its zone, e.g. "2026-10-28T09:30:00Z": `new Date(ms).toISOString()`)';
    expect(errors.map((e) => e.message)).toEqual([
      `Invalid ml.prediction event: Expected \`data.model.trainedAt\` to be string, got number 1761609600000 ${hint}`,
      `Invalid ml.prediction event: Expected \`data.model.trainedAt\` to be a valid datetime, got string "2026-10-28" ${hint}`,
      "Invalid ml.feedback event: Expected `data.modelName` to be string, got nothing (pass `modelName` to this call, or `model: { name, version }` to createClient)",
    ]);
  });

  // Without in-process validation (the browser's production build) the collector judges the
  // contract, but what cannot be serialized at all is still counted here, never thrown.
  it("counts events that cannot be serialized when nothing validates them in-process", async () => {
    const { client, transport, errors } = setup({
      validator: uncheckedEvent,
      beforeSend: (e) => (e.type === "ml.outcome" ? ((() => 1) as never) : e),
    });
    client.logPrediction({ ...predictionInput(), tags: { big: 10n as never } });
    client.logOutcome({ predictionId: "p1", label: "a" });
    client.logFeedback({ predictionId: "p1", action: "accepted" });
    const r = await client.flush();
    expect(r).toMatchObject({ ok: true, sent: 1, dropped: 2 });
    expect(client.stats().dropped).toMatchObject({ invalid: 2, total: 2 });
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^The ml\.prediction event \S+ cannot be serialized: JSON\.stringify threw: .*BigInt/),
      expect.stringMatching(/^The ml\.outcome event \S+ cannot be serialized: it is not a JSON value$/),
    ]);
    expect(transport.events.map((e) => e.type)).toEqual(["ml.feedback"]);
  });

  it("uses a caller's predictionId and returns it", async () => {
    const { client, transport } = setup();
    expect(client.logPrediction({ ...predictionInput(), predictionId: "req-42" })).toEqual({ predictionId: "req-42" });
    await client.flush();
    expect(transport.events[0]?.subject).toBe("req-42");
  });

  it("drops invalid input without throwing, counts it and names the field", async () => {
    const { client, transport, errors } = setup();
    const drops: string[] = [];
    expect(() =>
      client.logPrediction({ output: { label: "x" }, tags: { age: { nested: true } as never } }),
    ).not.toThrow();
    client.logFeedback({ predictionId: "p1", action: "loved" as never });
    client.logExposure(undefined as never);
    await client.flush();
    expect(transport.events).toHaveLength(0);
    expect(client.stats().dropped.invalid).toBe(3);
    expect(errors.map((e) => (e as { field?: string }).field)).toEqual([
      "data.tags.age",
      "data.action",
      "data.predictionId",
    ]);
    expect(errors[1]?.message).toContain('Expected `data.action` to be one of "accepted"');
    expect(drops).toEqual([]);
  });

  it("never throws even when reading the input throws (a getter, a Proxy)", async () => {
    const { client, transport, errors } = setup();
    const hostile = {
      get predictionId(): string {
        throw new Error("getter");
      },
      output: { label: "x" },
    };
    const calls = [
      () => client.logPrediction(hostile as never),
      () => client.logExposure(hostile as never),
      () => client.logFeedback(hostile as never),
      () => client.logOutcome(hostile as never),
      () => client.logFeatures(hostile as never),
    ];
    for (const call of calls) expect(call).not.toThrow();
    await client.flush();
    expect(transport.events).toHaveLength(0);
    expect(client.stats().dropped.invalid).toBe(5);
    expect(errors).toHaveLength(5);
  });

  it("names the limit and the size when an input is too large", async () => {
    const { client, errors } = setup();
    const tags = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`t${i}`, "v"]));
    client.logPrediction({ output: { label: "x" }, tags });
    client.logPrediction({ output: { label: "x" }, tags: { team: "a".repeat(300) } });
    await client.flush();
    expect(errors[0]?.message).toContain("`data.tags` has more than 32 keys (got 33 keys)");
    expect(errors[1]?.message).toContain("`data.tags.team` is too large: limit 256 characters, got 300 characters");
  });

  it("counts the size in code points, as the limit does: 257 emoji are 257 characters", async () => {
    const { client, errors } = setup();
    client.logPrediction({ output: { label: "x" }, tags: { team: "😀".repeat(256) } });
    client.logPrediction({ output: { label: "x" }, tags: { team: "😀".repeat(257) } });
    await client.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain("`data.tags.team` is too large: limit 256 characters, got 257 characters");
  });

  it("refuses events over maxEventBytes as too_large with the size in the message", async () => {
    const { client, errors, transport } = setup({ maxEventBytes: 2048 });
    client.logPrediction({ output: { label: "x" }, features: { text: "é".repeat(1500) } });
    await client.flush();
    expect(transport.events).toHaveLength(0);
    expect(client.stats().dropped.too_large).toBe(1);
    expect(errors[0]?.message).toMatch(/is \d{4} bytes serialized, over the limit of 2048 bytes/);
  });

  it("throws invalid input in strict mode", () => {
    const { client } = setup({ strict: true });
    expect(() => client.logOutcome({ predictionId: "", label: "x" })).toThrow(/data.predictionId/);
  });

  it("refuses prototype-pollution keys", async () => {
    const { client, errors, transport } = setup();
    client.logPrediction({ output: { label: "x" }, features: JSON.parse('{"__proto__": 1, "ok": 2}') });
    await client.flush();
    expect(transport.events).toHaveLength(0);
    expect(errors[0]?.message).toContain("reserved key");
    expect(({} as Record<string, unknown>).ok).toBeUndefined();
  });
});
