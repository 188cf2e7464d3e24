import { describe, expect, it } from "vitest";
import { systemClock } from "./runtime.js";

describe("system clock", () => {
  it("never keeps a process alive: its timers are unref'd", () => {
    const handle = systemClock.setTimeout(() => {}, 60_000) as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    systemClock.clearTimeout(handle);
  });
});
