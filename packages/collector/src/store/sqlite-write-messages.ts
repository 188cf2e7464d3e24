import type { WireGroup } from "./sqlite-write-wire.js";

/** What the SQLite write worker is started with. */
export interface WriteWorkerOptions {
  path: string;
  synchronous: "FULL" | "NORMAL";
}

export type WriteRequest = { kind: "write"; id: number; group: WireGroup } | { kind: "close" };

/** An error as it crosses from the worker: `code` is SQLite's (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`, ...). */
export interface WriteFailure {
  name: string;
  message: string;
  code?: string;
}

export type WriteReply =
  /** The worker's module loaded (before this, a failure means the worker cannot run here at all). */
  | { started: true }
  /** Its connection is open and its statements prepared. */
  | { ready: true }
  | { openError: WriteFailure }
  | { id: number; fresh: Uint8Array }
  | { id: number; error: WriteFailure }
  | { closed: true };

export function writeOptionsOf(data: unknown): WriteWorkerOptions {
  const given = data as Partial<WriteWorkerOptions> | null;
  if (typeof given?.path !== "string" || (given.synchronous !== "FULL" && given.synchronous !== "NORMAL")) {
    throw new Error(`Expected the write worker's data to be { path, synchronous }, got ${JSON.stringify(data)}`);
  }
  return { path: given.path, synchronous: given.synchronous };
}

/** The worker's error as an Error again, with its `code`, so the store's callers (isOutOfSpace, 503s) see what SQLite said. */
export function errorOf(failure: WriteFailure): Error {
  const error = new Error(failure.message) as Error & { code?: string };
  error.name = failure.name;
  if (failure.code !== undefined) error.code = failure.code;
  return error;
}
