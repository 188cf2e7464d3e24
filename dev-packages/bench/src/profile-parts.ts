/**
 * `tsx src/profile-parts.ts [events]`: where inferlog's CPU per event goes, piece by piece, each
 * timed alone with process.cpuUsage (not wall clock: the bench machine is shared) on the bench's
 * prediction: building the input, the `log*` call with its deferred preparation (a transport that
 * answers at once), joining a 100-event body, each compression setting (with its bytes per event),
 * and the HTTP request itself (undici to a server in another process). The parts add up to about
 * what the steady scenario measures for the whole process; read them against each other.
 */
import { fork } from "node:child_process";
import { gzipSync } from "node:zlib";
import type { Transport, TransportResult } from "@inferlog/core";
import { createClient, createUndiciTransport } from "@inferlog/node";
import { BATCH } from "./config.js";
import { cpuMicros } from "./measure.js";
import { brotliAsNode } from "./node-brotli.js";
import { prediction } from "./prediction.js";

const events = Number(process.argv[2] ?? 50_000);
const batches = events / BATCH;
const rows: [string, number, number, string][] = [];
/** Runs `fn` twice: the first run pays for compiling it (as a fresh process does), the second does not. */
const time = async (what: string, per: number, fn: () => unknown, note = "") => {
  const cold = process.cpuUsage();
  await fn();
  const coldMicros = cpuMicros(cold);
  const warm = process.cpuUsage();
  await fn();
  rows.push([what, coldMicros / per, cpuMicros(warm) / per, note]);
};

await time("input objects (the bench's own cost)", events, () => {
  let keep: unknown;
  for (let i = 0; i < events; i++) keep = prediction(i);
  return keep;
});

// The client with a transport that answers at once: the log call, the deferred preparation,
// queueing, batching and encoding; no compression, no I/O.
const bodies: string[] = [];
const instant: Transport = {
  send: async (req): Promise<TransportResult> => {
    if (bodies.length < batches) bodies.push(req.body);
    return { kind: "ok" };
  },
};
const client = createClient({
  transport: instant,
  source: "bench",
  model: { name: "router", version: "v1" },
  flushAt: BATCH,
  maxQueueSize: events,
  maxQueueBytes: 1 << 30,
  flushOnExit: false,
  logger: false,
});
await time("client: log, prepare, queue, batch, encode (no I/O)", events, async () => {
  for (let i = 0; i < events; i++) {
    client.logPrediction(prediction(i));
    if ((i & 127) === 0) await new Promise((r) => setImmediate(r));
  }
  await client.flush();
});
await client.shutdown();

const body = bodies[0] as string;
const settings: [string, (b: string) => Buffer][] = [
  ["brotli q1", (b) => brotliAsNode(b, 1)],
  ["brotli q2", (b) => brotliAsNode(b, 2)],
  ["brotli q3", (b) => brotliAsNode(b, 3)],
  ["brotli q4", (b) => brotliAsNode(b, 4)],
  ["gzip 1", (b) => gzipSync(b, { level: 1 })],
  ["gzip 6", (b) => gzipSync(b, { level: 6 })],
];
await time(`Buffer.from(body) (${body.length} B per ${BATCH} events)`, events, () => {
  for (const b of bodies) Buffer.from(b);
});
for (const [name, compress] of settings) {
  let bytes = 0;
  for (const b of bodies) bytes += compress(b).length;
  await time(
    `compress: ${name}`,
    events,
    () => {
      for (const b of bodies) compress(b);
    },
    `${(bytes / events).toFixed(1)} B/event`,
  );
}

// The request alone: a server in another process reads the body and answers as the collector does.
const server = fork(new URL("./parts-server.ts", import.meta.url), [], { execArgv: ["--import", "tsx"] });
const port = await new Promise<number>((r) => server.once("message", (m: { port: number }) => r(m.port)));
const signal = new AbortController().signal;
const transports: [string, Parameters<typeof createUndiciTransport>[0]["compression"]][] = [
  ["HTTP: the undici transport, body as it is", false],
  ["HTTP: the undici transport with its default compression", undefined],
];
for (const [what, compression] of transports) {
  const transport = createUndiciTransport({
    endpoint: `http://127.0.0.1:${port}/v1/events`,
    connections: 4,
    ...(compression === undefined ? {} : { compression }),
  });
  await time(`${what}, 4 at a time`, events, async () => {
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const i = next++;
        const body = bodies[i] as string;
        const r = await transport.send({
          body,
          contentType: "application/x-ndjson",
          eventCount: BATCH,
          idempotencyKey: `k${i}`,
          attempt: 1,
          signal,
        });
        if (r.kind !== "ok") throw new Error(`batch ${i}: ${r.kind}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  });
  await transport.close();
}
server.kill();

process.stdout.write("  first  second (µs/event)\n");
for (const [what, cold, warm, note] of rows)
  process.stdout.write(`${cold.toFixed(2).padStart(7)} ${warm.toFixed(2).padStart(7)}  ${what}  ${note}\n`);
