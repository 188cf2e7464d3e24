import { Worker } from "node:worker_threads";
import { type WorkerEntry, workerEntry } from "../worker-entry.js";
import type { WriteGroup } from "./group-commit.js";
import { errorOf, type WriteReply, type WriteRequest, type WriteWorkerOptions } from "./sqlite-write-messages.js";
import { encodeGroup, transferablesOf } from "./sqlite-write-wire.js";

export interface WriteWorker {
  write: WriteGroup;
  /** Lets the worker finish what it was given, closes its connection and ends it. */
  close(): Promise<void>;
}

/** The code of the process warning given when writes fall back to the main thread. */
export const INLINE_WRITES_WARNING = "INFERLOG_SQLITE_INLINE_WRITES";

interface Pending {
  resolve: (fresh: boolean[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes groups on a worker thread with its own connection (sqlite-write-worker.ts), one transaction per
 * group: the collector's event loop never waits for a statement or an fsync. A group's promise resolves
 * only after its transaction committed, and rejects with SQLite's error (its `code` kept) when it failed.
 * A worker that dies is started again for the next group. Where a worker cannot run at all (its module
 * does not load, as in some bundles), every group goes to `inline` instead.
 */
export function startWriteWorker(
  options: WriteWorkerOptions,
  inline: WriteGroup,
  entry: WorkerEntry = workerEntry("sqlite-write-worker", "store"),
): WriteWorker {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let worker: Worker | undefined;
  /** Resolves to the worker once its connection is open, to undefined when writes go to `inline`. */
  let ready: Promise<Worker | undefined> | undefined;
  let cannotRun = false;
  let onClosed: (() => void) | undefined;

  // A degraded mode, so it is said once (a Node process warning, on stderr by default), never silent.
  const runInline = (error: unknown) => {
    cannotRun = true;
    process.emitWarning(
      `The SQLite write worker could not start (${error instanceof Error ? error.message : String(error)}): writes run on the main thread, where each commit's fsync holds the event loop`,
      { code: INLINE_WRITES_WARNING },
    );
  };

  const failAll = (error: unknown) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const spawn = (): Promise<Worker | undefined> =>
    new Promise((resolve, reject) => {
      let started = false;
      let opened = false;
      let thread: Worker;
      try {
        thread = new Worker(entry.file, { workerData: options, execArgv: entry.execArgv });
      } catch (error) {
        runInline(error);
        resolve(undefined);
        return;
      }
      const gone = (error: Error) => {
        if (worker === thread) {
          worker = undefined;
          ready = undefined;
        }
        failAll(error);
        if (!opened) {
          if (started) reject(error);
          else {
            runInline(error);
            resolve(undefined);
          }
          opened = true;
        }
      };
      thread.on("message", (reply: WriteReply) => {
        if ("started" in reply) started = true;
        else if ("ready" in reply) {
          opened = true;
          worker = thread;
          // Idle, the worker does not keep the process alive (a caller awaiting its start or a group does).
          if (pending.size === 0) thread.unref();
          resolve(thread);
        } else if ("openError" in reply) gone(errorOf(reply.openError));
        else if ("closed" in reply) onClosed?.();
        else {
          const waiting = pending.get(reply.id);
          pending.delete(reply.id);
          if (pending.size === 0) thread.unref();
          if ("error" in reply) waiting?.reject(errorOf(reply.error));
          else waiting?.resolve(Array.from(reply.fresh, (flag) => flag === 1));
        }
      });
      thread.on("error", (error) => gone(error));
      thread.on("exit", (code) => {
        gone(new Error(`The SQLite write worker exited (code ${code}) before it answered`));
        onClosed?.();
      });
    });

  return {
    async write(events) {
      if (cannotRun) return inline(events);
      ready ??= spawn();
      const thread = await ready.catch((error: unknown) => {
        // The worker could not open the file: this group fails, the next one tries a new worker.
        ready = undefined;
        throw error;
      });
      if (!thread) return inline(events);
      const id = nextId++;
      const group = await encodeGroup(events);
      // It may have died while the group was encoded: nothing would answer this group then.
      if (worker !== thread) throw new Error("The SQLite write worker exited before the group was sent");
      return new Promise<boolean[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        thread.ref();
        thread.postMessage({ kind: "write", id, group } satisfies WriteRequest, transferablesOf(group));
      });
    },
    async close() {
      const thread = await ready?.catch(() => undefined);
      if (!thread) return;
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        thread.ref();
        thread.postMessage({ kind: "close" } satisfies WriteRequest);
      });
      await thread.terminate();
    },
  };
}
