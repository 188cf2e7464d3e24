/**
 * Worker-thread entry of the SQLite writes (sqlite-write-client.ts starts it): its own connection to the
 * store's file writes each group in one transaction, so neither the statements nor the commit's fsync hold
 * the collector's event loop. Answers each group with the events stored for the first time, or the error.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { toRows } from "./rows.js";
import { type WriteFailure, type WriteReply, type WriteRequest, writeOptionsOf } from "./sqlite-write-messages.js";
import { decodeGroup, type WireGroup } from "./sqlite-write-wire.js";
import { prepareRowWriter } from "./sqlite-writer.js";

const port = parentPort;
if (port) {
  port.postMessage({ started: true } satisfies WriteReply);
  let db: Database.Database | undefined;
  try {
    const { path, synchronous } = writeOptionsOf(workerData);
    db = new Database(path);
    // The main connection made the file WAL and its schema current before this worker started.
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = OFF");
    const writeGroup = prepareTransaction(db);
    const open = db;
    port.postMessage({ ready: true } satisfies WriteReply);
    port.on("message", (request: WriteRequest) => {
      if (request.kind === "close") {
        open.close();
        port.postMessage({ closed: true } satisfies WriteReply);
        port.close();
        return;
      }
      try {
        const fresh = writeGroup(request.group);
        port.postMessage({ id: request.id, fresh } satisfies WriteReply, [fresh.buffer as ArrayBuffer]);
      } catch (error) {
        port.postMessage({ id: request.id, error: failureOf(error) } satisfies WriteReply);
      }
    });
  } catch (error) {
    db?.close();
    port.postMessage({ openError: failureOf(error) } satisfies WriteReply);
    port.close();
  }
}

/** Writes a group in one transaction; 1 per event stored for the first time, 0 for a duplicate. */
function prepareTransaction(db: Database.Database): (group: WireGroup) => Uint8Array {
  const writeRows = prepareRowWriter(db);
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  return (group) => {
    const events = decodeGroup(group);
    const fresh = new Uint8Array(events.length);
    begin.run();
    try {
      // Drift counts are summed in memory and written before the commit; a rollback leaves none behind.
      writeRows.reset();
      for (let index = 0; index < events.length; index++) {
        const incoming = events[index] as (typeof events)[number];
        fresh[index] = writeRows(toRows(incoming, incoming.raw)) ? 1 : 0;
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

/** What of an error crosses back: the message, and SQLite's code (SQLITE_FULL, SQLITE_BUSY, ...) that the collector decides on. */
function failureOf(error: unknown): WriteFailure {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === "string" ? { code } : {}) };
}
