/**
 * Worker-thread entry of a SQLite report (report-parallel.ts): computes its share of the sections on a
 * read-only connection of its own and posts it back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { computeShareOnFile, type ShareRequest } from "./report-parallel.js";

const port = parentPort;
if (port) {
  port.postMessage({ started: true });
  computeShareOnFile(workerData as ShareRequest).then(
    (share) => port.postMessage({ share }),
    (entry: unknown) =>
      port.postMessage({ error: entry instanceof Error ? (entry.stack ?? entry.message) : String(entry) }),
  );
}
