import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { feedback, prediction } from "../../test/test-support.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { IncomingEvent } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "inferlog-write-worker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const incoming = (...events: Record<string, unknown>[]): IncomingEvent[] =>
  events.map((event) => ({ event: event as never, receivedMs: 1_700_000_000_000 }));

describe("SQLite writes on the write worker", () => {
  it("keeps the event loop free while a write waits for the file, and answers only once it committed", async () => {
    const path = join(dir, `w${files++}.db`);
    const store = openSqliteStore({ path });
    await store.insertBatch(incoming(prediction()));
    // Another process holds the write lock: the worker's transaction waits for it (busy_timeout).
    const holder = new Database(path);
    holder.exec("BEGIN IMMEDIATE");
    let answered = false;
    const insert = store.insertBatch(incoming(prediction(), feedback("p1"))).then((result) => {
      answered = true;
      return result;
    });
    // Timers keep firing on time while the write waits: the wait is not on this thread.
    const started = performance.now();
    for (let tick = 0; tick < 10; tick++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(answered).toBe(false);
    expect(await store.tableCounts()).toMatchObject({ events: 1, predictions: 1, feedback: 0 });
    holder.exec("COMMIT");
    holder.close();
    expect(await insert).toEqual({ inserted: 2, duplicates: 0 });
    // Acknowledged means committed: a connection of its own sees the rows.
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare("SELECT COUNT(*) AS n FROM events").get()).toEqual({ n: 3 });
    reader.close();
    await store.close();
  });

  it("rejects a write with SQLite's error and code, and writes again once the file takes writes", async () => {
    const store = openSqliteStore({ path: join(dir, `w${files++}.db`) });
    await store.readRows?.(
      "CREATE TRIGGER refuse_writes BEFORE INSERT ON predictions BEGIN SELECT RAISE(ABORT, 'writes refused'); END",
    );
    const refused = await store.insertBatch(incoming(prediction())).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(refused).toMatchObject({ message: "writes refused", code: "SQLITE_CONSTRAINT_TRIGGER" });
    // The transaction rolled back: not even the event row stayed.
    expect(await store.tableCounts()).toMatchObject({ events: 0, predictions: 0 });
    await store.readRows?.("DROP TRIGGER refuse_writes");
    expect(await store.insertBatch(incoming(prediction()))).toEqual({ inserted: 1, duplicates: 0 });
    await store.close();
  });

  it("writes what it was handed before the store closes", async () => {
    const path = join(dir, `w${files++}.db`);
    const store = openSqliteStore({ path });
    const writes = [1, 2, 3].map(() => store.insertBatch(incoming(prediction(), prediction())));
    await store.close();
    expect(await Promise.all(writes)).toEqual([1, 2, 3].map(() => ({ inserted: 2, duplicates: 0 })));
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare("SELECT COUNT(*) AS n FROM predictions").get()).toEqual({ n: 6 });
    reader.close();
  });
});
