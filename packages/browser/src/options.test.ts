import { isConfigError } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import { createClient as createDevelopmentClient } from "./development.js";
import { createClient } from "./index.js";

const base = { endpoint: "http://127.0.0.1:1/v1/events", persistence: false as const };

function configError(options: unknown): string {
  try {
    createClient(options as Parameters<typeof createClient>[0]);
  } catch (e) {
    expect(isConfigError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("createClient options", () => {
  it("names the field and the problem", () => {
    expect(configError({ endpoint: "collector.example.com" })).toBe(
      'Expected `endpoint` to be an http(s) URL or a path starting with "/", got `"collector.example.com"`',
    );
    expect(configError({ ...base, writeKey: "" })).toBe('Expected `writeKey` to be a non-empty string, got `""`');
    expect(configError({ ...base, getToken: "abc" })).toBe('Expected `getToken` to be a function, got `"abc"`');
    expect(configError({ ...base, persistence: { maxBytes: 10 } })).toBe(
      "Expected `persistence.maxBytes` to be an integer >= 1024, got `10`",
    );
    expect(configError({ ...base, flushAt: 0 })).toBe("Expected `flushAt` to be a positive integer, got `0`");
    // The adapter wraps the user's hooks before core sees them, so it checks them itself.
    expect(configError({ ...base, hooks: "x" })).toBe('Expected `hooks` to be an object, got `"x"`');
    expect(configError({ ...base, hooks: { onEnqueued: 5 } })).toBe(
      "Expected `hooks.onEnqueued` to be a function, got `5`",
    );
    // Checked before the plain-http warning is said through it.
    expect(configError({ ...base, endpoint: "http://collector.example.com/v1/events", logger: {} })).toBe(
      "Expected `logger.warn` to be a function, got `undefined`",
    );
    // A null-prototype value used to make the message itself throw a TypeError.
    expect(configError({ ...base, writeKey: Object.create(null) })).toBe(
      "Expected `writeKey` to be a non-empty string, got `{}`",
    );
  });

  it("warns once about a plain-http endpoint that is not loopback", () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) };
    createClient({ ...base, logger });
    createClient({ ...base, endpoint: "/v1/events", logger });
    expect(warnings).toEqual([]);
    createClient({ ...base, endpoint: "http://collector.example.com/v1/events", logger });
    expect(warnings).toEqual([
      "[inferlog] The endpoint http://collector.example.com/v1/events is plain http: events and the write key travel unencrypted; use https://",
    ]);
  });

  it("refuses a secret key in the page and a key plus a token", () => {
    expect(configError({ ...base, writeKey: "sk_live_123" })).toMatch(/looks like a secret key.*getToken/);
    expect(configError({ ...base, writeKey: "pk_1", getToken: () => "t" })).toBe(
      "Pass either `writeKey` or `getToken`, not both",
    );
  });

  // The development build checks events in the page; the production build leaves that to the
  // collector (builds.collector.test.ts) and must not throw either.
  it.each([
    ["development", createDevelopmentClient],
    ["production", createClient],
  ])("never throws from logging calls or trackExposure on bad input (%s build)", async (build, create) => {
    const errors: string[] = [];
    const c = create({
      ...base,
      source: "t",
      model: { name: "m", version: "1" },
      onError: (e) => errors.push(e.message),
      logger: { warn() {} },
    });
    const h = c.trackExposure({ predictionId: "p", shown: [], surface: "s" });
    expect(h.accept()).toBe(true); // the handle works; the invalid exposure itself is dropped and reported
    c.logFeedback({ predictionId: "p", action: "nope" as never });
    await c.shutdown({ timeoutMs: 100 });
    expect(c.stats().storage.mode).toBe("memory");
    if (build === "production") {
      // Nothing was judged in the page; the collector is unreachable, so all three (the accept too) are counted at shutdown.
      expect(c.stats().dropped).toMatchObject({ invalid: 0, shutdown_timeout: 3 });
      return;
    }
    expect(c.stats().dropped.invalid).toBe(2);
    expect(errors.some((m) => m.includes("data.shown"))).toBe(true);
    expect(errors.some((m) => m.includes("data.action"))).toBe(true);
  });
});
