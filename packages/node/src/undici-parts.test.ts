import * as undici from "undici";
import { describe, expect, it } from "vitest";
import { Agent, buildConnector, errors } from "./undici-parts.js";

describe("undici-parts", () => {
  it("are the objects undici's index exports (an undici release that moves them fails here)", () => {
    expect(Agent).toBe(undici.Agent);
    expect(buildConnector).toBe(undici.buildConnector);
    expect(errors).toBe(undici.errors);
    expect(errors.RequestAbortedError).toBe(undici.errors.RequestAbortedError);
  });
});
