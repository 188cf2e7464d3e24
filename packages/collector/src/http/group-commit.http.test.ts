import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postBatch, quiet } from "../../test/test-http.js";
import { CLICKHOUSE_URL, clickhouseClientOf, prediction, storeFixture } from "../../test/test-support.js";
import { type Collector, createCollector } from "../collector.js";
import { openClickHouseStore } from "../store/clickhouse-store.js";

const REQUESTS = 50;
const PER_REQUEST = 100;
/**
 * One part per table the events reach, whatever the number of requests: one insert each. feature_names gets the
 * part its view (store/clickhouse-feature-names.ts) writes for the one insert into features.
 */
const ONE_PART_EACH = { events: 1, predictions: 1, candidates: 1, features: 1, feature_names: 1 };

describe("group commit into ClickHouse over HTTP", () => {
  const fx = storeFixture("clickhouse");
  const ch = clickhouseClientOf(fx);
  let collector: Collector;
  let endpoint: string;
  const bodies = Array.from({ length: REQUESTS }, () => Array.from({ length: PER_REQUEST }, () => prediction()));

  /**
   * Active parts per table of this test's database. A merged part (level > 0) is counted as the
   * inserts it came from (max_block_number - min_block_number + 1), so a background merge cannot
   * hide extra inserts.
   */
  const parts = async () =>
    new Map(
      (
        await ch.rows<{ table: string; n: number }>(
          `SELECT table, toUInt64(sum(max_block_number - min_block_number + 1)) AS n FROM system.parts
           WHERE database = '${ch.database}' AND active GROUP BY table`,
        )
      ).map((r) => [r.table, r.n]),
    );

  beforeAll(async () => {
    // All 50 requests fill exactly one group (5,000 events); the long delay only bounds a stuck test.
    const store = await openClickHouseStore({
      url: CLICKHOUSE_URL,
      database: ch.database,
      groupCommit: { maxDelayMs: 20_000, maxEvents: REQUESTS * PER_REQUEST },
    });
    collector = await createCollector({ store, logger: quiet });
    endpoint = `${(await collector.listen({ port: 0, host: "127.0.0.1" })).url}/v1/events`;
  });
  afterAll(async () => {
    await collector.close({ timeoutMs: 2000 });
    await fx.cleanup();
  });

  it("writes 50 concurrent 100-event requests as one part per table and answers each", async () => {
    const replies = await Promise.all(bodies.map((events) => postBatch(endpoint, events)));
    expect(replies.map((r) => r.status)).toEqual(Array(REQUESTS).fill(200));
    expect(replies.map((r) => r.json())).toEqual(
      Array(REQUESTS).fill({ accepted: PER_REQUEST, rejected: [], duplicates: 0 }),
    );
    expect(Object.fromEntries(await parts())).toEqual(ONE_PART_EACH);
    expect(await collector.store.tableCounts()).toMatchObject({
      events: REQUESTS * PER_REQUEST,
      predictions: REQUESTS * PER_REQUEST,
      candidates: 3 * REQUESTS * PER_REQUEST,
    });
  });

  it("answers the same 50 requests sent again as duplicates and stores nothing twice", async () => {
    const replies = await Promise.all(bodies.map((events) => postBatch(endpoint, events)));
    expect(replies.map((r) => r.json())).toEqual(
      Array(REQUESTS).fill({ accepted: PER_REQUEST, rejected: [], duplicates: PER_REQUEST }),
    );
    const counts = await collector.store.eventIdCounts();
    expect(counts.size).toBe(REQUESTS * PER_REQUEST);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Nothing new to write: no new parts.
    expect(Object.fromEntries(await parts())).toEqual(ONE_PART_EACH);
  });
});
