/**
 * A counting collector in a worker thread, so the client under test keeps the main
 * thread to itself. Counts events (by parsing the JSON, as a real collector must)
 * and wire bytes; replies 200.
 */
import { Worker } from "node:worker_threads";

const source = `
const { createServer } = require("node:http");
const { gunzipSync } = require("node:zlib");
const { parentPort } = require("node:worker_threads");
let events = 0, wire = 0, requests = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks);
    wire += raw.length;
    requests++;
    const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
    const n = JSON.parse(body.toString("utf8")).length;
    events += n;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ accepted: n }));
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (m) => {
  if (m === "stats") parentPort.postMessage({ events, wire, requests });
  if (m === "reset") { events = 0; wire = 0; requests = 0; parentPort.postMessage({ ok: true }); }
  if (m === "close") server.close(() => process.exit(0));
});
`;

export interface CollectorStats {
  events: number;
  wire: number;
  requests: number;
}

export async function startWorkerCollector() {
  const worker = new Worker(source, { eval: true });
  const ask = <T>(msg: string): Promise<T> =>
    new Promise((resolve) => {
      worker.once("message", resolve);
      worker.postMessage(msg);
    });
  const { port } = await new Promise<{ port: number }>((resolve) => worker.once("message", resolve));
  return {
    url: `http://127.0.0.1:${port}/v1/events`,
    stats: () => ask<CollectorStats>("stats"),
    reset: () => ask<{ ok: true }>("reset"),
    close: async () => {
      worker.postMessage("close");
      await new Promise((r) => worker.once("exit", r));
    },
  };
}
