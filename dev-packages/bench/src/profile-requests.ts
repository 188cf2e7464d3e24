/**
 * `tsx src/profile-requests.ts [rounds] [repeats]`: the CPU one request costs through
 * `@inferlog/node`'s HTTP transport, `node:http` (the default) against an undici dispatcher, to a
 * server in another process. Each client runs in a fresh process and sends rounds of 500 requests
 * (a 1.7 KB body, as a compressed 100-event batch is) one at a time, 1 ms apart: the first round
 * is what a fresh process or a serverless cold start pays (JIT warm-up included), the last what a
 * long-running one does. Also the CPU of importing undici, which the default never loads.
 */
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { createHttpTransport, type HttpTransportOptions } from "@inferlog/node";
import { cpuMicros } from "./measure.js";

const PER_ROUND = 500;
const [first, second, third] = process.argv.slice(2);

if (first === "node:http" || first === "undici") {
  // A child: one client, `second` the server's port, `third` the rounds.
  const port = Number(second);
  const rounds = Number(third);
  const endpoint = `http://127.0.0.1:${port}/v1/events`;
  // undici as @inferlog/node resolves it: the bench has no dependency of its own on it.
  const load = process.cpuUsage();
  const undici =
    first === "undici"
      ? (createRequire(import.meta.resolve("@inferlog/node"))("undici") as {
          Agent: new (options: { connections: number }) => NonNullable<HttpTransportOptions["dispatcher"]>;
        })
      : undefined;
  const importMicros = cpuMicros(load);
  const transport = createHttpTransport({
    endpoint,
    connections: 4,
    compression: false,
    ...(undici ? { dispatcher: new undici.Agent({ connections: 4 }) } : {}),
  });
  // The transport's sockets are unref'd (as a client's flush would, this holds the process while it waits).
  const hold = setInterval(() => {}, 1_000);
  const body = "x".repeat(1_700);
  const signal = new AbortController().signal;
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < PER_ROUND; i++) {
      const r = await transport.send({
        body,
        contentType: "application/json",
        eventCount: 100,
        idempotencyKey: `k${i}`,
        attempt: 1,
        signal,
      });
      if (r.kind !== "ok") throw new Error(`request ${i}: ${r.kind}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    perRound.push(cpuMicros(start) / PER_ROUND);
  }
  await transport.close();
  clearInterval(hold);
  process.send?.({ importMicros, perRound });
} else {
  const rounds = Number(first ?? 8);
  const repeats = Number(second ?? 2);
  const server = fork(new URL("./parts-server.ts", import.meta.url), [], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((r) => server.once("message", (m: { port: number }) => r(m.port)));
  process.stdout.write(`µs of CPU per request, rounds of ${PER_ROUND} requests 1 ms apart, one fresh process each\n`);
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const client of ["node:http", "undici"]) {
      const child = fork(new URL(import.meta.url), [client, String(port), String(rounds)], {
        execArgv: ["--import", "tsx"],
      });
      const result = await new Promise<{ importMicros: number; perRound: number[] }>((r) => child.once("message", r));
      await new Promise((r) => child.once("exit", r));
      const rows = result.perRound.map((x) => x.toFixed(0).padStart(4)).join(" ");
      const imported = client === "undici" ? `  (import: ${(result.importMicros / 1000).toFixed(0)} ms)` : "";
      process.stdout.write(`${client.padEnd(10)} ${rows}${imported}\n`);
    }
  }
  server.kill();
}
