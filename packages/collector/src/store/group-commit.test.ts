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
    expect(groupCommitSettings(undefined, defaults)).toEqual({ ...defaults, regroupMs: 0 });
    expect(groupCommitSettings({ maxEvents: 7 }, { ...defaults, regroupMs: 3 })).toEqual({
      maxDelayMs: 2,
      maxEvents: 7,
      writesInFlight: 1,
      regroupMs: 3,
    });
    expect(() => groupCommitSettings({ maxEvents: 0 }, defaults)).toThrow(/groupCommit\.maxEvents/);
    expect(() => groupCommitSettings({ maxDelayMs: -1 }, defaults)).toThrow(/groupCommit\.maxDelayMs/);
    expect(() => groupCommitSettings({ writesInFlight: 0 }, defaults)).toThrow(/groupCommit\.writesInFlight/);
    expect(() => groupCommitSettings({ regroupMs: -1 }, defaults)).toThrow(/groupCommit\.regroupMs/);
  });

  /**
   * Clients that each keep one batch in flight: `clients` loops, each sending its next batch a few ms after
   * the last is answered (the client's own work and the collector's parsing, longer than maxDelayMs), for
   * `rounds` batches; answers the sizes of the groups the store was given.
   */
  async function closedLoop(regroupMs: number, clients: number, rounds: number) {
    const groups: number[] = [];
    const write = async (events: readonly IncomingEvent[]) => {
      groups.push(events.length);
      await new Promise((resolve) => setTimeout(resolve, 15));
      return events.map(() => true);
    };
    const committer = createGroupCommitter(write, { maxDelayMs: 2, maxEvents: 1_000, writesInFlight: 1, regroupMs });
    let sent = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let round = 0; round < rounds; round++) {
          await new Promise((resolve) => setTimeout(resolve, 1 + client * 2));
          await committer.insert(batch(`${client}-${round}-${sent++}`));
        }
      }),
    );
    return groups;
  }

  it("with regroupMs, waits after a write for the clients it answered, so the next group holds every client", async () => {
    const without = await closedLoop(0, 8, 12);
    const regrouped = await closedLoop(50, 8, 12);
    expect(without.reduce((sum, size) => sum + size, 0)).toBe(96);
    expect(regrouped.reduce((sum, size) => sum + size, 0)).toBe(96);
    // Without it the clients split into a fast and a slow part that take turns (2, 6, 2, 6, ... here); with it,
    // after the first write, each group holds all eight clients' batches (2, 8, 8, ..., 6).
    expect(without.length).toBeGreaterThanOrEqual(20);
    expect(without.filter((size) => size === 8).length).toBeLessThanOrEqual(2);
    expect(regrouped.length).toBeLessThanOrEqual(14);
    expect(regrouped.filter((size) => size === 8).length).toBeGreaterThanOrEqual(10);
  });

  it("with regroupMs, writes a group no later than regroupMs after the last write when the clients do not come back", async () => {
    const groups: string[][] = [];
    const write = async (events: readonly IncomingEvent[]) => {
      groups.push(events.map((event) => event.event.id));
      return events.map(() => true);
    };
    const committer = createGroupCommitter(write, { maxDelayMs: 0, maxEvents: 100, writesInFlight: 1, regroupMs: 40 });
    await committer.insert(batch("a", "b", "c"));
    const started = performance.now();
    // One event of the three answered comes back: the group waits for more, then goes at regroupMs.
    await committer.insert(batch("d"));
    const waited = performance.now() - started;
    expect(groups).toEqual([["a", "b", "c"], ["d"]]);
    expect(waited).toBeGreaterThanOrEqual(30);
  });
});
