import { describe, expect, it } from "vitest";
import { useClickHouseStore, validEvent } from "../../test/test-support.js";
import type { ClickHouseClient } from "../store/clickhouse-http.js";
import type { Store } from "../store/types.js";
import { lastSeenSources } from "./last-seen.js";

const T = Date.parse("2026-05-01T12:00:00Z");
let store: Store;
let ch: ClickHouseClient;
useClickHouseStore("each", (open) => {
  store = open.store;
  ch = open.ch;
});

describe("when each source was last heard from (ClickHouse)", () => {
  it("is the latest receive time of any copy of its events, whichever copy was stored last", async () => {
    const event = (id: string, receivedMs: number) => ({
      ...validEvent("svc-a", "ml.prediction", T, id, {
        predictionId: id,
        model: { name: "m", version: "v1" },
        output: { label: "a" },
      }),
      receivedMs,
    });
    // A collector stores the copy it received later first; a racing collector then stores the earlier one.
    await store.insertBatch([event("e1", T + 5_000)]);
    await ch.exec(
      `INSERT INTO events SELECT id, type, source, time_ms, ${T + 1_000} AS received_ms, subject, prediction_id,
         model_name, samplerate, raw, day FROM events WHERE id = 'e1'`,
    );
    await store.insertBatch([
      {
        ...validEvent("svc-b", "ml.prediction", T, "e2", {
          predictionId: "e2",
          model: { name: "m", version: "v1" },
          output: { label: "a" },
        }),
        receivedMs: T + 2_000,
      },
    ]);
    expect(await lastSeenSources(store, T)).toEqual([
      { source: "svc-a", lastMs: T + 5_000 },
      { source: "svc-b", lastMs: T + 2_000 },
    ]);
    expect(await lastSeenSources(store, T + 3_000)).toEqual([{ source: "svc-a", lastMs: T + 5_000 }]);
  });
});
