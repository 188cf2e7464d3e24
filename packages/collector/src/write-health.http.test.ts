import { afterEach, describe, expect, it } from "vitest";
import { postBatch, quiet, type Running, rawRequest, startCollector } from "../test/test-http.js";
import { CLICKHOUSE_URL, prediction } from "../test/test-support.js";
import { WRITE_FAILURE_HOLD_MS, WriteHealth } from "./http/write-health.js";
import { ClickHouseClient } from "./store/clickhouse-http.js";

let c: Running | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

/** Makes the store refuse writes while reads (and its ping) still work, and undoes it: a full disk, in effect. */
async function breakWrites(running: Running): Promise<() => Promise<void>> {
  if (running.fx.kind === "sqlite") {
    // Writes run on the write worker's connection: a trigger in the file refuses them there too.
    await running.collector.store.readRows?.(
      "CREATE TRIGGER refuse_writes BEFORE INSERT ON predictions BEGIN SELECT RAISE(ABORT, 'writes refused'); END",
    );
    return async () => {
      await running.collector.store.readRows?.("DROP TRIGGER refuse_writes");
    };
  }
  const database = new URL(running.fx.spec).pathname.slice(1);
  const ch = new ClickHouseClient({ url: CLICKHOUSE_URL, database });
  await ch.exec(`RENAME TABLE ${database}.predictions TO ${database}.predictions_away`);
  return async () => {
    await ch.exec(`RENAME TABLE ${database}.predictions_away TO ${database}.predictions`);
  };
}

describe.each(["sqlite", "clickhouse"] as const)("/healthz when writes fail (%s)", (kind) => {
  it("answers 503 while the store refuses writes, and 200 again once a write succeeds", async () => {
    const errors: string[] = [];
    c = await startCollector(kind, { logger: { ...quiet, error: (m) => errors.push(m) } });
    const health = async () => {
      const r = await rawRequest(`${c?.url}/healthz`, { method: "GET" });
      return [r.status, (r.json() as { status: string }).status, (r.json() as { failures?: number }).failures];
    };
    expect(await health()).toEqual([200, "ok", undefined]);
    const repair = await breakWrites(c);
    for (const _ of [1, 2]) expect((await postBatch(c.endpoint, [prediction()])).status).toBe(503);
    expect(await health()).toEqual([503, "writes_failing", 2]);
    expect(errors).toHaveLength(2);
    await repair();
    // The store works again; /healthz says so as soon as a write has shown it.
    expect((await postBatch(c.endpoint, [prediction()])).status).toBe(200);
    expect(await health()).toEqual([200, "ok", undefined]);
    expect(await c.collector.store.tableCounts()).toMatchObject({ events: 1, predictions: 1 });
  });
});

describe("WriteHealth", () => {
  it("holds a failure until a write succeeds or the hold passes with no further failure", () => {
    let now = 1_000_000;
    const h = new WriteHealth(() => now);
    h.failed();
    now += 1000;
    h.failed();
    expect(h.current()).toEqual({ sinceMs: 1_000_000, failures: 2 });
    now += WRITE_FAILURE_HOLD_MS - 1;
    expect(h.current()).toEqual({ sinceMs: 1_000_000, failures: 2 });
    now += 1;
    expect(h.current()).toBeUndefined();
    h.failed();
    expect(h.current()).toEqual({ sinceMs: now, failures: 1 });
    h.succeeded();
    expect(h.current()).toBeUndefined();
  });
});
