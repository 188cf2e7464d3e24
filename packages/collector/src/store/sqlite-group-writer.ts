import type Database from "better-sqlite3";
import { startSlices } from "../slices.js";
import type { WriteGroup } from "./group-commit.js";
import { toRows } from "./rows.js";
import type { RowWriter } from "./sqlite-writer.js";

/**
 * Events per transaction. The WAL fsync at COMMIT is synchronous and grows with what the
 * transaction wrote; 1,000 events keep it to tens of milliseconds.
 */
export const SQLITE_EVENTS_PER_TRANSACTION = 1_000;

/**
 * Writes a group in transactions of up to `SQLITE_EVENTS_PER_TRANSACTION` events, in slices: the
 * loop hands the event loop back every few milliseconds (better-sqlite3 is synchronous), so a
 * 10,000-event group does not stall `/healthz` or the parsing of the next requests. The caller
 * keeps every other statement on this connection out of the gaps (`Serial`), so nothing reads a
 * transaction half-written. When a transaction fails, the ones before it stay committed: the
 * group's requests are answered 503 and their retries find those events stored (dedup by id).
 */
export function prepareGroupWriter(db: Database.Database, writeRows: RowWriter): WriteGroup {
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  return async (batch) => {
    const fresh = new Array<boolean>(batch.length);
    const slices = startSlices();
    for (let start = 0; start < batch.length; start += SQLITE_EVENTS_PER_TRANSACTION) {
      const end = Math.min(start + SQLITE_EVENTS_PER_TRANSACTION, batch.length);
      begin.run();
      try {
        // The drift counts are summed in memory and written before the commit; a transaction
        // that throws (and rolls back) leaves none behind for the next one.
        writeRows.reset();
        for (let index = start; index < end; index++) {
          fresh[index] = writeRows(toRows(batch[index] as (typeof batch)[number]));
          if (slices.due()) await slices.pause();
        }
        writeRows.flush();
        commit.run();
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      }
      if (slices.due()) await slices.pause();
    }
    return fresh;
  };
}
