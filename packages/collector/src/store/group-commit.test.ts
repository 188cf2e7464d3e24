import type { InferlogEvent } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import { createGroupCommitter, groupCommitSettings } from "./group-commit.js";
import type { IncomingEvent } from "./types.js";

const batch = (...ids: string[]): IncomingEvent[] =>
  ids.map((id) => ({ event: { id } as unknown as InferlogEvent, receivedMs: 0 }));

/** A store in memory: remembers ids, records each group it was asked to write, refuses the id "poison". */
function memoryWriter() {
  const stored = new Set<string>();
  const groups: string[][] = [];
  const write = async (events: readonly IncomingEvent[]) => {
    const ids = events.map((e) => e.event.id);
    groups.push(ids);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (ids.includes("poison")) throw new Error("the store refused poison");
    return ids.map((id) => {
      if (stored.has(id)) return false;
      stored.add(id);
      return true;
    });
  };
  return { write, groups, stored };
}

describe("group commit", () => {
  it("writes concurrent batches as one group and answers each with its own counts", async () => {
    const { write, groups } = memoryWriter();
    const committer = createGroupCommitter(write, { maxDelayMs: 50, maxEvents: 100, writesInFlight: 1 });
    const results = await Promise.all([
      committer.insert(batch("a", "b")),
      committer.insert(batch("c", "a")),
      committer.insert(batch("d", "d", "e")),
    ]);
    expect(groups).toEqual([["a", "b", "c", "a", "d", "d", "e"]]);
    expect(results).toEqual([
      { inserted: 2, duplicates: 0 },
      { inserted: 1, duplicates: 1 },
      { inserted: 2, duplicates: 1 },
    ]);
    // A resent batch is all duplicates.
    expect(await committer.insert(batch("c", "a"))).toEqual({ inserted: 0, duplicates: 2 });
  });

  it("fills the next group while one is being written, and never passes maxEvents", async () => {
    const { write, groups } = memoryWriter();
    const committer = createGroupCommitter(write, { maxDelayMs: 0, maxEvents: 4, writesInFlight: 1 });
    const first = committer.insert(batch("a"));
    // Written at once (maxDelayMs 0); these three wait for it and then split by maxEvents.
    const rest = [committer.insert(batch("b", "c")), committer.insert(batch("d", "e")), committer.insert(batch("f"))];
    const big = committer.insert(batch("g", "h", "i", "j", "k"));
    await Promise.all([first, ...rest, big]);
    expect(groups).toEqual([["a"], ["b", "c", "d", "e"], ["f"], ["g", "h", "i", "j", "k"]]);
  });

  it("builds the next group while writesInFlight allows another write", async () => {
    const { write, groups } = memoryWriter();
    let running = 0;
    let most = 0;
    const counted = async (events: readonly IncomingEvent[]) => {
      running++;
      most = Math.max(most, running);
      try {
        return await write(events);
      } finally {
        running--;
      }
    };
    const committer = createGroupCommitter(counted, { maxDelayMs: 0, maxEvents: 2, writesInFlight: 2 });
    const results = await Promise.all([
      committer.insert(batch("a", "b")),
      committer.insert(batch("c", "d")),
      committer.insert(batch("e", "f")),
    ]);
    expect(groups).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
    ]);
    expect(most).toBe(2);
    expect(results.every((r) => r.inserted === 2)).toBe(true);
  });

  it("writes a group at maxEvents without waiting for maxDelayMs", async () => {
    const { write, groups } = memoryWriter();
    const committer = createGroupCommitter(write, { maxDelayMs: 60_000, maxEvents: 3, writesInFlight: 1 });
    const started = Date.now();
    await Promise.all([committer.insert(batch("a", "b")), committer.insert(batch("c"))]);
    expect(groups).toEqual([["a", "b", "c"]]);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("fails only the batch the store refuses: a failed group is written again batch by batch", async () => {
    const { write, groups, stored } = memoryWriter();
    const committer = createGroupCommitter(write, { maxDelayMs: 20, maxEvents: 100, writesInFlight: 1 });
    const results = await Promise.allSettled([
      committer.insert(batch("a")),
      committer.insert(batch("poison", "b")),
      committer.insert(batch("c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error("the store refused poison"));
    expect(groups).toEqual([["a", "poison", "b", "c"], ["a"], ["poison", "b"], ["c"]]);
    expect([...stored].sort()).toEqual(["a", "c"]);
  });

  it("answers an empty batch without a write, and drains before close", async () => {
    const { write, groups } = memoryWriter();
    const committer = createGroupCommitter(write, { maxDelayMs: 30, maxEvents: 100, writesInFlight: 1 });
    expect(await committer.insert([])).toEqual({ inserted: 0, duplicates: 0 });
    let answered = false;
    void committer.insert(batch("a")).then(() => {
      answered = true;
    });
    await committer.drain();
    expect(answered).toBe(true);
    expect(groups).toEqual([["a"]]);
  });

  it("checks its settings by name", () => {
    const defaults = { maxDelayMs: 2, maxEvents: 10, writesInFlight: 1 };
    expect(groupCommitSettings(undefined, defaults)).toEqual(defaults);
    expect(groupCommitSettings({ maxEvents: 7 }, defaults)).toEqual({ maxDelayMs: 2, maxEvents: 7, writesInFlight: 1 });
    expect(() => groupCommitSettings({ maxEvents: 0 }, defaults)).toThrow(/groupCommit\.maxEvents/);
    expect(() => groupCommitSettings({ maxDelayMs: -1 }, defaults)).toThrow(/groupCommit\.maxDelayMs/);
    expect(() => groupCommitSettings({ writesInFlight: 0 }, defaults)).toThrow(/groupCommit\.writesInFlight/);
  });
});
