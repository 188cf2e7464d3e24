import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { intOption, isConfigError } from "./errors.js";
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
