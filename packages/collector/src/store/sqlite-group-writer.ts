import type Database from "better-sqlite3";
import { startSlices } from "../slices.js";
import type { WriteGroup } from "./group-commit.js";
import { toRows } from "./rows.js";
import type { RowWriter } from "./sqlite-writer.js";

/**
 * One transaction per group, written in slices: the loop hands the event loop back every few
 * milliseconds (better-sqlite3 is synchronous), so a 10,000-event group does not stall `/healthz`
 * or the parsing of the next requests. The caller keeps every other statement on this
 * connection out of the gaps (`Serial`), so nothing reads the group half-written.
 */
export function prepareGroupWriter(db: Database.Database, writeRows: RowWriter): WriteGroup {
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  return async (batch) => {
    const fresh = new Array<boolean>(batch.length);
    const slices = startSlices();
    begin.run();
    try {
      // The group's drift counts are summed in memory and written before the commit; a group that
      // throws (and rolls back) leaves none behind for the next one.
      writeRows.reset();
      for (let i = 0; i < batch.length; i++) {
        fresh[i] = writeRows(toRows(batch[i] as (typeof batch)[number]));
        if (slices.due()) await slices.pause();
      }
      writeRows.flush();
      commit.run();
    } catch (error) {
      if (db.inTransaction) rollback.run();
      throw error;
    }
    return fresh;
  };
}
