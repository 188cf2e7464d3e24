/**
 * Worker-thread entry of a SQLite report (report-parallel.ts): computes its share of the sections on a
 * read-only connection of its own and posts it back. Its drift tasks arrive in a message (`{ tasks }`), while it
 * computes the sections before drift.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { DriftTask } from "./drift.js";
import { computeShareOnFile, type ShareRequest } from "./report-parallel.js";

const port = parentPort;
if (port) {
  const tasks = new Promise<readonly DriftTask[]>((resolve) => {
    port.once("message", (message: { tasks: readonly DriftTask[] }) => resolve(message.tasks));
  });
  port.postMessage({ started: true });
  computeShareOnFile(workerData as ShareRequest, tasks).then(
    (share) => port.postMessage({ share }),
    (entry: unknown) =>
      port.postMessage({ error: entry instanceof Error ? (entry.stack ?? entry.message) : String(entry) }),
  );
}
