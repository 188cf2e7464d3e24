/**
 * Runs the example end to end against a tiny local collector and checks what arrived:
 * three requests to the app, then the outcome job as a separate process.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const received: { type: string; subject: string }[] = [];
const collector = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const { brotliDecompressSync, gunzipSync } = await import("node:zlib");
    const raw = Buffer.concat(chunks);
    const enc = req.headers["content-encoding"];
    const body = enc === "br" ? brotliDecompressSync(raw) : enc === "gzip" ? gunzipSync(raw) : raw;
    const events = JSON.parse(body.toString("utf8")) as { type: string; subject: string }[];
    received.push(...events.map((e) => ({ type: e.type, subject: e.subject })));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: events.length }));
  });
});
await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
process.env.INFERLOG_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/events`;

const { listen } = await import("./server.js");
const { inferlog } = await import("./inferlog.js");
const app = await listen(0);
const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
const tickets = {
  "1": "I was charged twice, need a refund",
  "2": "The app shows an error on start",
  "3": "Which plan?",
};
for (const [ticketId, text] of Object.entries(tickets)) {
  const res = await fetch(`${base}/route`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ticketId, text }),
  });
  console.log(ticketId, await res.json());
}
app.close();
await inferlog.flush();

// The job runs as its own process and ends without calling flush or shutdown.
// Asynchronously: the collector in this process must keep answering while the job runs.
await new Promise<void>((resolve, reject) =>
  execFile(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      "tsx",
      fileURLToPath(new URL("./outcomes-job.ts", import.meta.url)),
      "1=billing",
      "2=tech",
      "3=billing",
    ],
    { env: process.env },
    (error, _stdout, stderr) => {
      process.stderr.write(stderr);
      if (error) reject(error);
      else resolve();
    },
  ),
);
collector.close();
await inferlog.shutdown();

const summary = received.map((e) => `${e.type} ${e.subject}`).sort();
const expected = ["1", "2", "3"].flatMap((t) => [`ml.outcome ticket-${t}`, `ml.prediction ticket-${t}`]).sort();
console.log(summary.join("\n"));
if (JSON.stringify(summary) !== JSON.stringify(expected)) {
  console.error(`expected:\n${expected.join("\n")}`);
  process.exit(1);
}
console.log("ok: 3 predictions and 3 outcomes arrived, once each");
