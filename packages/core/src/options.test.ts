import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { fnOption, intOption, isConfigError, objectOption } from "./errors.js";
import { FakeClock } from "./testing/fake-clock.js";
import { MemoryTransport } from "./testing/memory-transport.js";

const base = { transport: new MemoryTransport(), source: "app" };

describe("options", () => {
  it.each([
    [{ flushAt: 0 }, "Expected `flushAt` to be a positive integer, got `0`"],
    [{ flushIntervalMs: -1 }, "Expected `flushIntervalMs` to be a non-negative integer, got `-1`"],
    [{ maxQueueSize: 1.5 }, "Expected `maxQueueSize` to be a positive integer, got `1.5`"],
    [{ sampleRate: 0 }, "Expected `sampleRate` to be a number in (0, 1], got `0`"],
    [{ beforeSend: "x" }, 'Expected `beforeSend` to be a function, got `"x"`'],
    [{ source: "" }, "Expected `source` to be a non-empty string"],
    [{ transport: {} }, "Expected `transport` to be an object with a send(request) method"],
    [{ model: { name: "m" } }, "Expected `model` to be { name: string, version: string, ... }"],
    [
      { circuitBreaker: { failureThreshold: 0 } },
      "Expected `circuitBreaker.failureThreshold` to be a positive integer",
    ],
    [{ circuitBreaker: "x" }, 'Expected `circuitBreaker` to be an object, got `"x"`'],
    // Each of these used to be accepted and to fail later, in the background or at shutdown.
    [{ logger: {} }, "Expected `logger.warn` to be a function, got `undefined`"],
    [{ logger: "x" }, 'Expected `logger` to be an object, got `"x"`'],
    [{ taskQueue: {} }, "Expected `taskQueue.add` to be a function, got `undefined`"],
    [{ clock: {} }, "Expected `clock.now` to be a function, got `undefined`"],
    [{ clock: { now: () => 0, setTimeout: () => 1 } }, "Expected `clock.clearTimeout` to be a function"],
    [{ random: "x" }, 'Expected `random` to be a function, got `"x"`'],
    [{ onDrop: 5 }, "Expected `onDrop` to be a function, got `5`"],
    [{ debug: "yes" }, 'Expected `debug` to be a boolean, got `"yes"`'],
    [{ strict: "true" }, 'Expected `strict` to be a boolean, got `"true"`'],
    [{ hooks: "x" }, 'Expected `hooks` to be an object, got `"x"`'],
    [{ hooks: { onSettled: 5 } }, "Expected `hooks.onSettled` to be a function, got `5`"],
    [{ encoder: {} }, "Expected `encoder.encode` to be a function, got `undefined`"],
    [{ encoder: { encode: (): string => "" } }, "Expected `encoder.contentType` to be a string, got `undefined`"],
    [
      { encoder: { contentType: "t", encode: (): string => "", eventBytes: 1 } },
      "Expected `encoder.eventBytes` to be a function",
    ],
    [
      { encoder: { contentType: "t", encode: (): string => "", batchBytes: -1 } },
      "Expected `encoder.batchBytes` to be a non-negative integer, got `-1`",
    ],
    [{ features: "x" }, 'Expected `features` to be an object, got `"x"`'],
    // A string is iterable: it used to become the set of its characters.
    [{ features: { allow: "abc" } }, 'Expected `features.allow` to be an array of strings, got `"abc"`'],
    [{ features: { deny: 5 } }, "Expected `features.deny` to be an array of strings, got `5`"],
    [{ features: { allow: ["a", 1] } }, 'Expected `features.allow` to be an array of strings, got `["a",1]`'],
  ])("rejects %j with a message naming the option", (bad, message) => {
    let caught: unknown;
    try {
      createClient({ ...base, ...(bad as object) } as never);
    } catch (e) {
      caught = e;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as Error).message).toContain(message);
  });

  it("accepts every documented shape, class instances included", async () => {
    class Logger {
      readonly said: string[] = [];
      warn(message: string) {
        this.said.push(message);
      }
    }
    const logger = new Logger();
    const ran: string[] = [];
    const transport = new MemoryTransport();
    const client = createClient({
      transport,
      source: "app",
      logger,
      clock: new FakeClock(),
      random: () => 0.5,
      debug: false,
      strict: true,
      taskQueue: {
        add(task) {
          ran.push("task");
          return task();
        },
      },
      features: { allow: ["a", "b"], deny: [] },
      circuitBreaker: {},
      hooks: { onEnqueued: () => ran.push("enqueued"), isPersisted: undefined },
      encoder: { contentType: "application/json", encode: (events) => `[${events.join(",")}]`, batchBytes: 2 },
      maxBatchBytes: 4096,
      maxEventBytes: 8192,
    });
    client.logPrediction({
      predictionId: "p",
      model: { name: "m", version: "1" },
      output: { label: "x" },
      features: { a: 1, c: 2 },
    });
    expect(await client.flush()).toMatchObject({ ok: true, sent: 1 });
    expect(ran).toEqual(["enqueued", "task"]);
    expect(transport.events[0]?.data).toMatchObject({ features: { a: 1 } });
    expect(logger.said).toEqual(["maxEventBytes (8192) exceeds maxBatchBytes (4096); using 4096"]);
  });

  it("clamps inconsistent sizes with a warning instead of failing", () => {
    const warnings: string[] = [];
    createClient({
      ...base,
      maxBatchBytes: 4096,
      maxEventBytes: 8192,
      flushAt: 50,
      maxQueueSize: 10,
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(warnings).toEqual([
      "maxEventBytes (8192) exceeds maxBatchBytes (4096); using 4096",
      "flushAt (50) exceeds maxQueueSize (10); using 10",
    ]);
  });

  it("says so when what it clamps is a default the app did not set", () => {
    const warnings: string[] = [];
    createClient({ ...base, maxQueueBytes: 2048, maxBatchBytes: 4096, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toEqual([
      "maxBatchBytes (4096) exceeds maxQueueBytes (2048); using 2048",
      "the default maxEventBytes (262144) exceeds maxBatchBytes (2048); using 2048",
    ]);
  });
});

describe("fnOption and objectOption (the adapters' function and object options)", () => {
  it("pass an absent value or the right shape through and name the member that is wrong", () => {
    const log = () => {};
    expect(fnOption("f", undefined)).toBe(undefined);
    expect(fnOption("f", log)).toBe(log);
    expect(() => fnOption("f", {})).toThrow("Expected `f` to be a function, got `{}`");
    const queue = { add: log };
    expect(objectOption("q", undefined, ["add"])).toBe(undefined);
    expect(objectOption("q", queue, ["add"])).toBe(queue);
    expect(() => objectOption("q", null, ["add"])).toThrow("Expected `q` to be an object, got `null`");
    expect(() => objectOption("q", { add: 1 }, ["add"])).toThrow("Expected `q.add` to be a function, got `1`");
  });
});

describe("intOption (the adapters' and the collector's integer options)", () => {
  it("defaults, checks the range in the one wording, and requires a value when there is no default", () => {
    expect(intOption("n", undefined, 7, 1)).toBe(7);
    expect(intOption("n", 3, 7, 1, 5)).toBe(3);
    expect(() => intOption("n", 0, 7, 1)).toThrow("Expected `n` to be a positive integer, got `0`");
    expect(() => intOption("n", -1, 7, 0)).toThrow("Expected `n` to be a non-negative integer, got `-1`");
    expect(() => intOption("n", 2, 7, 1024)).toThrow("Expected `n` to be an integer >= 1024, got `2`");
    expect(() => intOption("n", 6, 7, 1, 5)).toThrow("Expected `n` to be an integer from 1 to 5, got `6`");
    expect(() => intOption("n", "3", 7, 1)).toThrow('Expected `n` to be a positive integer, got `"3"`');
    expect(() => intOption("n", undefined, undefined, 1)).toThrow(
      "Expected `n` to be a positive integer, got `undefined`",
    );
  });
});
