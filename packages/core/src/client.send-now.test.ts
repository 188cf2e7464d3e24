import { describe, expect, it } from "vitest";
import { predictionInput, setup } from "./test-helpers.js";

describe("sendNow (page close)", () => {
  it("sends the most valuable queued events first, within the byte budget, in one request", async () => {
    const { client, transport, clock } = setup({ flushIntervalMs: 60_000 });
    const { predictionId } = client.logPrediction(predictionInput(1));
    client.logExposure({ predictionId, shown: ["billing"], surface: "reply-box" });
    client.logFeedback({ predictionId, action: "accepted", candidateId: "billing" });
    await clock.advance(0);
    const sizes = transport.batches.length;
    expect(sizes).toBe(0);
    // Room for the feedback and the exposure, not the (larger) prediction.
    const queued = client.stats().queued;
    expect(queued).toBe(3);
    const started = client.sendNow({ maxBytes: 900 });
    expect(started).toBe(2);
    await clock.advance(0);
    expect(transport.batches).toHaveLength(1);
    expect(transport.batches[0]?.body.length).toBeLessThanOrEqual(900);
    expect(transport.events.map((e) => e.type)).toEqual(["ml.feedback", "ml.exposure"]);
    expect(client.stats()).toMatchObject({ queued: 1, sent: 2 });
    await client.flush();
    expect(transport.events.map((e) => e.type)).toEqual(["ml.feedback", "ml.exposure", "ml.prediction"]);
  });

  it("takes events still waiting for the background step, and starts nothing when nothing fits", async () => {
    const { client, transport, clock } = setup({ flushIntervalMs: 60_000 });
    client.logFeedback({ predictionId: "p1", action: "ignored", kind: "derived" });
    expect(client.sendNow({ maxBytes: 10 })).toBe(0);
    expect(client.stats().queued).toBe(1);
    expect(client.sendNow({ maxBytes: 60 * 1024 })).toBe(1);
    await clock.advance(0);
    expect(transport.events.map((e) => e.data)).toMatchObject([{ predictionId: "p1", action: "ignored" }]);
  });

  it("with no room, only prepares: every logged event is queued and told to onEnqueued, none sent", () => {
    const enqueued: string[] = [];
    const { client, transport } = setup({
      flushIntervalMs: 60_000,
      hooks: { onEnqueued: (events) => enqueued.push(...events.map((event) => event.id)) },
    });
    client.logPrediction(predictionInput(1));
    client.logFeedback({ predictionId: "p1", action: "ignored", kind: "derived" });
    expect(enqueued).toEqual([]); // still waiting for the background step
    expect(client.sendNow({ maxBytes: 0, maxEvents: 0 })).toBe(0);
    expect(enqueued).toHaveLength(2);
    expect(client.stats()).toMatchObject({ queued: 2, inFlight: 0, sent: 0 });
    expect(transport.batches).toHaveLength(0);
  });

  it("reports settlement through onSettled like any batch", async () => {
    const settled: [string[], string][] = [];
    const { client, clock } = setup({
      flushIntervalMs: 60_000,
      hooks: { onSettled: (events, outcome) => settled.push([events.map((e) => e.type), outcome]) },
    });
    client.logOutcome({ predictionId: "p1", label: "x" });
    client.sendNow({ maxBytes: 4096, maxEvents: 5 });
    await clock.advance(0);
    expect(settled).toEqual([[["ml.outcome"], "sent"]]);
  });
});

describe("sendNow while a batch hangs", () => {
  it("starts its request at once even when maxConcurrency is taken by a hung batch", async () => {
    const { FaultTransport } = await import("./testing/fault-transport.js");
    const transport = new FaultTransport([{ type: "hang" }]);
    const { client, clock } = setup({ transport, flushIntervalMs: 0, maxConcurrency: 1 });
    client.logPrediction(predictionInput(1));
    await clock.advance(0);
    expect(transport.attempts).toHaveLength(1);
    client.logFeedback({ predictionId: "p1", action: "accepted" });
    await clock.advance(0);
    expect(transport.attempts).toHaveLength(1); // queued behind the hung batch
    expect(client.sendNow({ maxBytes: 60 * 1024 })).toBe(1);
    // Synchronously: a page-close handler must see its request begin before it returns.
    expect(transport.attempts).toHaveLength(2);
    expect(transport.attempts[1]?.events.map((e) => e.type)).toEqual(["ml.feedback"]);
  });
});

describe("sendNow with an encoder that reshapes events", () => {
  it("packs an OTLP/JSON page-close request to its byte budget by the encoder's own sizes", async () => {
    const { createOtlpJsonEncoder } = await import("./encoders/otlp-json.js");
    const { client, transport, clock } = setup({ flushIntervalMs: 60_000, encoder: createOtlpJsonEncoder() });
    for (let i = 0; i < 20; i++) client.logPrediction(predictionInput(i));
    await clock.advance(0);
    const budget = 12_189;
    const started = client.sendNow({ maxBytes: budget, maxEvents: 1000 });
    // A prediction is ~600 B as a CloudEvent and ~2.5 KB as an OTLP LogRecord: 4 fit, not 20.
    expect(started).toBeGreaterThan(0);
    expect(started).toBeLessThan(20);
    await clock.advance(0);
    expect(transport.batches).toHaveLength(1);
    const body = transport.batches[0]?.body as string;
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(budget);
    // Packed close to the budget: the average record would not have fitted once more.
    const bytes = new TextEncoder().encode(body).length;
    expect(bytes + bytes / started).toBeGreaterThan(budget - 300);
    const { decodeOtlpLogs } = await import("./encoders/otlp-decode.js");
    expect(decodeOtlpLogs(body)).toHaveLength(started);
    expect(client.stats()).toMatchObject({ sent: started, queued: 20 - started });
  });
});
