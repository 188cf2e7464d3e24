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
    (e: unknown) => port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
}
