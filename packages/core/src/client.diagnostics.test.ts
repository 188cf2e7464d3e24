import { describe, expect, it } from "vitest";
import { statusHint } from "./diagnostics.js";
import { systemClock } from "./runtime.js";
import { predictionInput, setup } from "./test-helpers.js";
import { FaultTransport } from "./testing/fault-transport.js";

const ENDPOINT = "http://127.0.0.1:9/v1/events";

/** A client whose logger lines are collected, talking to a scripted transport. */
function scripted(transport: FaultTransport, extra: Parameters<typeof setup>[0] = {}) {
  const lines: string[] = [];
  const s = setup({
    transport,
    endpoint: ENDPOINT,
    logger: { warn: (m) => lines.push(m) },
    minBackoffMs: 0,
    maxBackoffMs: 0,
    clock: systemClock as never,
    ...extra,
  });
  return { ...s, lines };
}

describe("default diagnostics", () => {
  it("tells the first failure of an episode once, with the endpoint and the likely cause, and again after a success", async () => {
    const transport = new FaultTransport([
      { type: "network-error", message: "network error: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9" },
      { type: "status", status: 503 },
      { type: "ok" },
      { type: "status", status: 404, body: "Not Found" },
    ]);
    const { client, lines } = scripted(transport);
    client.logPrediction(predictionInput());
    await client.flush();
    expect(lines).toEqual([
      `Could not deliver 1 event to ${ENDPOINT}: network error: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9; retrying in the background; said once until a delivery succeeds`,
      `Delivering to ${ENDPOINT} again`,
    ]);
    expect(client.stats().lastFailure).toBeUndefined();
    client.logPrediction(predictionInput());
    const r = await client.flush();
    expect(r).toMatchObject({ sent: 0, dropped: 1 });
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      `Could not deliver 1 event to ${ENDPOINT}: Collector refused the batch with HTTP 404: Not Found (wrong path? The collector takes events at /v1/events); dropped (stats().dropped.rejected)`,
    );
    expect(client.stats().lastFailure).toBe(
      "Collector refused the batch with HTTP 404: Not Found (wrong path? The collector takes events at /v1/events)",
    );
  });

  it("tells an invalid event once per field, and every one with debug", async () => {
    const quiet = scripted(new FaultTransport());
    const loud = scripted(new FaultTransport(), { debug: true });
    for (const { client } of [quiet, loud]) {
      for (let i = 0; i < 3; i++)
        client.logPrediction({ ...predictionInput(), model: { name: "m", version: 3 as never } });
      client.logPrediction({ ...predictionInput(), model: undefined as never, output: 1 as never });
      await client.flush();
    }
    expect(quiet.lines).toEqual([
      'Invalid ml.prediction event: Expected `data.model.version` to be string, got number 3 (send it as a string: "3"); the event is dropped (told once per field; stats().dropped counts each)',
      "Invalid ml.prediction event: Expected `data.output` to be object, got number 1; the event is dropped (told once per field; stats().dropped counts each)",
    ]);
    expect(loud.lines.filter((l) => l.startsWith("Invalid"))).toHaveLength(4);
    expect(loud.lines.filter((l) => l === "debug: dropped 1 (invalid)")).toHaveLength(4);
  });

  it("names a missing model with the fix", async () => {
    const { client, lines } = scripted(new FaultTransport(), { model: undefined as never });
    client.logPrediction(predictionInput());
    await client.flush();
    expect(lines[0]).toContain(
      "Expected `data.model` to be object, got nothing (pass `model: { name, version }` to createClient or to this call)",
    );
  });

  it("says nothing with logger: false", async () => {
    const transport = new FaultTransport([{ type: "status", status: 404 }]);
    const { client } = setup({ transport, logger: false, onError: undefined as never });
    const warned: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args);
    try {
      client.logPrediction({ ...predictionInput(), model: { name: "m", version: 3 as never } });
      client.logPrediction(predictionInput());
      await client.flush();
    } finally {
      console.warn = original;
    }
    expect(client.stats().dropped).toMatchObject({ invalid: 1, rejected: 1 });
    expect(warned).toEqual([]);
  });

  it("tells events lost at shutdown's deadline with the last cause", async () => {
    const transport = new FaultTransport([{ type: "hang" }]);
    const { client, lines } = scripted(transport);
    client.logPrediction(predictionInput());
    const flushing = client.shutdown({ timeoutMs: 50 });
    const r = await flushing;
    expect(r).toMatchObject({ ok: false, dropped: 1 });
    expect(lines).toEqual([`1 event was not delivered to ${ENDPOINT} before shutdown's deadline`]);
    client.logPrediction(predictionInput());
    client.logPrediction(predictionInput());
    expect(lines[1]).toBe("An event was logged after shutdown(): dropped");
    expect(lines).toHaveLength(2);
  });
});

describe("statusHint", () => {
  it("names the likely cause of the refusals a newcomer meets", () => {
    expect(statusHint(404)).toBe("wrong path? The collector takes events at /v1/events");
    expect(statusHint(401)).toBe("check the key the collector expects (apiKey, writeKey)");
    expect(statusHint(403)).toBe("check the key the collector expects (apiKey, writeKey)");
    expect(statusHint(503)).toBe("the collector or a proxy before it is failing");
    expect(statusHint(400)).toBeUndefined();
    expect(statusHint(undefined)).toBeUndefined();
  });
});

describe("events the collector refused in a delivered batch", () => {
  it("are told once per reason, not once per batch", async () => {
    const transport = new FaultTransport([
      { type: "reject", indexes: [0], reason: "Invalid ml.prediction event: Expected `data.model` to be object" },
      { type: "reject", indexes: [0], reason: "Invalid ml.prediction event: Expected `data.model` to be object" },
      { type: "reject", indexes: [0], reason: "Invalid ml.feedback event: Expected `data.action` to be one of" },
    ]);
    const { client, lines } = scripted(transport);
    for (let i = 0; i < 3; i++) {
      client.logPrediction(predictionInput());
      await client.flush();
    }
    expect(client.stats().dropped.rejected).toBe(3);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^Collector rejected 1 of 1 events \(not resent\); first: event \S+: Invalid ml\.prediction event: Expected `data\.model` to be object$/,
    );
    expect(lines[1]).toContain("Expected `data.action` to be one of");
  });
});

describe("core's fetch transport", () => {
  it("names its endpoint and, for Node's bare `fetch failed`, the cause and the likely fix", async () => {
    const { createFetchTransport } = await import("./fetch-transport.js");
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const endpoint = `http://127.0.0.1:${port}/v1/events`;
    const lines: string[] = [];
    const { client } = setup({
      transport: createFetchTransport({ endpoint }),
      logger: { warn: (m) => lines.push(m) },
      clock: systemClock as never,
    });
    client.logPrediction(predictionInput());
    await client.flush({ timeoutMs: 300 });
    expect(lines[0]).toBe(
      `Could not deliver 1 event to ${endpoint}: fetch threw: fetch failed (connect ECONNREFUSED 127.0.0.1:${port}) (nothing listens there: is the collector running?); retrying in the background; said once until a delivery succeeds`,
    );
    await client.shutdown({ timeoutMs: 10 });
  });
});
