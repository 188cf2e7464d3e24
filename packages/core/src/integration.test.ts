import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { ConfigError, type InferlogError } from "./errors.js";
import { createClientWith, type Integration } from "./integration.js";
import type { ClientOptions } from "./options.js";
import { MemoryTransport } from "./testing/memory-transport.js";

const base = (transport: MemoryTransport, errors: InferlogError[] = []): ClientOptions => ({
  transport,
  source: "svc",
  model: { name: "m", version: "1" },
  onError: (e) => errors.push(e),
  logger: { warn: () => {} },
});

describe("createClientWith", () => {
  it("runs setup with the client, chains processEvent after beforeSend, and calls the hooks", async () => {
    const transport = new MemoryTransport();
    const calls: string[] = [];
    const tagger: Integration = {
      name: "tagger",
      setup: (client) => {
        calls.push(`setup:${typeof client.logPrediction}`);
        return () => calls.push("teardown");
      },
      processEvent: (e) =>
        e.type === "ml.prediction" ? { ...e, data: { ...e.data, tags: { ...e.data.tags, via: "tagger" } } } : e,
      onEnqueued: (events) => calls.push(`enqueued:${events.length}`),
      onSettled: (events, outcome) => calls.push(`settled:${events.length}:${outcome}`),
    };
    const dropFeatures: Integration = {
      name: "drop-features",
      processEvent: (e) => (e.type === "ml.features" ? null : e),
    };
    const client = createClientWith(
      createClient,
      {
        ...base(transport),
        beforeSend: (e) => (e.type === "ml.prediction" ? { ...e, data: { ...e.data, tags: { user: "yes" } } } : e),
        hooks: { onEnqueued: () => calls.push("user-enqueued") },
      },
      [tagger, dropFeatures],
    );
    client.logPrediction({ output: { label: "a" } });
    client.logFeatures({ features: { x: 1 } });
    await client.flush();
    expect(transport.events.map((e) => e.type)).toEqual(["ml.prediction"]);
    expect(transport.eventsOfType("ml.prediction")[0]!.data.tags).toEqual({ user: "yes", via: "tagger" });
    expect(client.stats().dropped.before_send).toBe(1);
    await client.shutdown();
    expect(calls).toEqual(["setup:function", "user-enqueued", "enqueued:1", "settled:1:sent", "teardown"]);
  });

  it("reports an integration that throws and keeps logging", async () => {
    const transport = new MemoryTransport();
    const errors: InferlogError[] = [];
    const broken: Integration = {
      name: "broken",
      setup: () => {
        throw new Error("no setup");
      },
      processEvent: () => {
        throw new Error("no process");
      },
      onSettled: () => {
        throw new Error("no settle");
      },
    };
    const client = createClientWith(createClient, base(transport, errors), [broken]);
    client.logPrediction({ output: { label: "a" } });
    expect((await client.flush()).sent).toBe(1);
    expect(transport.events).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual([
      "The broken integration's setup threw",
      "The broken integration's processEvent threw",
      "The broken integration's onSettled threw",
    ]);
    expect(errors.every((e) => e.code === "integration")).toBe(true);
  });

  it("refuses malformed integrations naming the field", () => {
    const t = new MemoryTransport();
    expect(() => createClientWith(createClient, base(t), [{ name: "" }])).toThrow(ConfigError);
    expect(() => createClientWith(createClient, base(t), [{ name: "" }])).toThrow(
      'Expected `integrations[0]` to be an object with a non-empty `name`, got `{"name":""}`',
    );
    expect(() => createClientWith(createClient, base(t), [{ name: "a" }, { name: "a" }])).toThrow(
      "Expected integration names to be unique, got `a` twice",
    );
    expect(() => createClientWith(createClient, base(t), [{ name: "a", setup: 3 } as never])).toThrow(
      "Expected `integrations[0].setup` (a) to be a function, got `3`",
    );
    // The user's hooks and beforeSend are wrapped before the factory sees them: checked here.
    expect(() => createClientWith(createClient, { ...base(t), hooks: "x" as never }, [{ name: "a" }])).toThrow(
      'Expected `hooks` to be an object, got `"x"`',
    );
    expect(() =>
      createClientWith(createClient, { ...base(t), hooks: { onEnqueued: 5 as never } }, [{ name: "a" }]),
    ).toThrow("Expected `hooks.onEnqueued` to be a function, got `5`");
    expect(() => createClientWith(createClient, { ...base(t), beforeSend: 1 as never }, [{ name: "a" }])).toThrow(
      "Expected `beforeSend` to be a function, got `1`",
    );
    expect(() => createClientWith(createClient, base(t), "x" as never)).toThrow(
      'Expected `integrations` to be an array, got `"x"`',
    );
    // String() throws on a null-prototype object; the message is still built.
    expect(() => createClientWith(createClient, base(t), Object.create(null))).toThrow(
      "Expected `integrations` to be an array, got `{}`",
    );
    expect(() => createClientWith(createClient, base(t), [{ name: "a", onSettled: Object.create(null) }])).toThrow(
      "Expected `integrations[0].onSettled` (a) to be a function, got `{}`",
    );
  });
});
