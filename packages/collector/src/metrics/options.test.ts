import { isConfigError } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import type { Store } from "../store/types.js";
import { resolveReportOptions } from "./options.js";
import { profileDrift } from "./profile-drift.js";

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return isConfigError(e) ? e.message : `not a ConfigError: ${String(e)}`;
  }
  return "no error";
};

describe("report options", () => {
  it("refuse a day that is not in the calendar rather than roll it into the next month", () => {
    for (const now of ["2026-02-30T00:00:00Z", "2026-02-29", "2026-04-31T10:00:00Z", "2026-13-01", "2026-00-10"])
      expect(message(() => resolveReportOptions({ now }))).toMatch(/^Expected `now` to be an RFC 3339 time/);
    expect(resolveReportOptions({ now: "2028-02-29T00:00:00Z" }).nowMs).toBe(Date.parse("2028-02-29T00:00:00Z"));
    expect(resolveReportOptions({ now: "2026-12-31" }).nowMs).toBe(Date.parse("2026-12-31"));
  });

  it("take every model name the event contract takes: up to 256 code points, so 256 emoji", () => {
    expect(resolveReportOptions({ model: "😀".repeat(256) }).model).toBe("😀".repeat(256));
    expect(message(() => resolveReportOptions({ model: "😀".repeat(257) }))).toMatch(
      /^Expected `model` to be a model name/,
    );
  });
  it("names the option and shows the value, even one String() throws on", () => {
    expect(message(() => resolveReportOptions({ model: "" }))).toBe(
      'Expected `model` to be a model name (1 to 256 characters), got `""`',
    );
    expect(message(() => resolveReportOptions({ window: Object.create(null) }))).toBe(
      "Expected `window` to be one of hour, day, week, got `{}`",
    );
    expect(message(() => resolveReportOptions({ from: Object.create(null) }))).toBe(
      "Expected `from` to be an RFC 3339 time or ms since the epoch, got `{}`",
    );
    expect(message(() => resolveReportOptions({ k: 2.5 }))).toBe(
      "Expected `k` to be an integer from 1 to 20, got `2.5`",
    );
    expect(message(() => resolveReportOptions({ retrainDrop: Object.create(null) }))).toBe(
      "Expected `retrainDrop` to be a number between 0 and 1 (exclusive), got `{}`",
    );
    expect(message(() => resolveReportOptions({ from: 2000, to: 1000 }))).toBe(
      "Expected `to` to be after `from`, got from 2000 and to 1000",
    );
    expect(message(() => resolveReportOptions({ referenceFrom: 2000, referenceTo: 1000 }))).toBe(
      "Expected `referenceTo` to be after `referenceFrom`, got referenceFrom 2000 and referenceTo 1000",
    );
    expect(message(() => resolveReportOptions("week" as never))).toBe(
      'Expected report options to be an object, got `"week"`',
    );
  });
});

describe("profile drift options", () => {
  const store = { kind: "sqlite", readRows: async () => [] } as unknown as Store;
  const week = { from: 0, to: 1000 };

  it("names the option and shows the value, even one String() throws on", async () => {
    await expect(profileDrift(store, { model: Object.create(null), reference: week, current: week })).rejects.toThrow(
      "Expected `model` to be a non-empty string, got `{}`",
    );
    await expect(
      profileDrift(store, { model: "m", reference: { from: Object.create(null), to: 1000 }, current: week }),
    ).rejects.toThrow("Expected `reference.from` to be ms since the epoch or an ISO time, got `{}`");
    await expect(
      profileDrift(store, { model: "m", reference: week, current: { from: 0, to: "soon" } }),
    ).rejects.toThrow('Expected `current.to` to be ms since the epoch or an ISO time, got `"soon"`');
  });
});
