import { describe, expect, it } from "vitest";
import { DROP_REASONS, keepsStored } from "./stats.js";

describe("keepsStored: the one rule of the Node spool and the browser's IndexedDB store", () => {
  it("keeps what was not delivered and may be next time, and lets go of everything else", () => {
    const kept = ["sent" as const, ...DROP_REASONS].filter(keepsStored);
    expect(kept).toEqual(["retries_exhausted", "shutdown_timeout"]);
  });
});
