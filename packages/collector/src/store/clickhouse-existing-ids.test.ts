import { describe, expect, it } from "vitest";
import { useClickHouseStore, validEvent } from "../../test/test-support.js";
import { existingIds } from "./clickhouse-existing-ids.js";
import type { ClickHouseClient } from "./clickhouse-http.js";
import type { IncomingEvent, Store } from "./types.js";

const DAY_MS = 86_400_000;
const T0 = Date.parse("2026-11-20T10:00:00Z");
const feedback = (id: string, timeMs: number): IncomingEvent =>
  validEvent("existing-ids-test", "ml.feedback", timeMs, id, {
    predictionId: "p-1",
    modelName: "ticket-router",
    action: "accepted",
    kind: "explicit",
  });
// Ids a text format would have to escape, and bytes beyond ASCII: RowBinary carries them as they are.
const ODD_IDS = ["tab\there", "line\nbreak", "back\\slash", "quote'\"", "nul\u0000byte", "ünï☃🎉", "x".repeat(128)];

describe("ClickHouse store: which ids of a group are stored already", () => {
  let store: Store;
  let ch: ClickHouseClient;
  useClickHouseStore("each", (open) => {
    ({ store, ch } = open);
  });

  it("finds exactly the stored ids among new ones, whatever bytes they hold, in groups of thousands", async () => {
    const stored = [...ODD_IDS, ...Array.from({ length: 2_000 }, (_, index) => `stored-${index}`)];
    expect(await store.insertBatch(stored.map((id) => feedback(id, T0)))).toEqual({
      inserted: stored.length,
      duplicates: 0,
    });
    const fresh = Array.from({ length: 3_000 }, (_, index) => `fresh-${index}`);
    const group = [...fresh, ...stored].map((id) => feedback(id, T0 + 1_000));
    const found = await existingIds(
      ch,
      group,
      group.map(() => true),
    );
    expect([...found].sort()).toEqual([...stored].sort());
  });

  it("looks up only the events marked fresh", async () => {
    await store.insertBatch([feedback("a", T0), feedback("b", T0)]);
    const found = await existingIds(ch, [feedback("a", T0), feedback("b", T0), feedback("c", T0)], [false, true, true]);
    expect([...found]).toEqual(["b"]);
    expect(await existingIds(ch, [feedback("a", T0)], [false])).toEqual(new Set());
  });

  it("reads only the days from the group's first event day to its last: a copy of an event has its day, an id reused outside them is new", async () => {
    await store.insertBatch([feedback("same-day", T0), feedback("other-day", T0)]);
    const group = [feedback("same-day", T0 + 3_600_000), feedback("other-day", T0 + 3 * DAY_MS)];
    // The group spans T0's day to three days later: the days between are read, both ids are found.
    expect(await existingIds(ch, group, [true, true])).toEqual(new Set(["same-day", "other-day"]));
    expect(await existingIds(ch, [feedback("other-day", T0 + 3 * DAY_MS)], [true])).toEqual(new Set());
    // Through the store: a resend is a duplicate.
    expect(await store.insertBatch([feedback("same-day", T0)])).toEqual({ inserted: 0, duplicates: 1 });
  });
});
