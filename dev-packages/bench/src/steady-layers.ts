/**
 * `tsx src/steady-layers.ts [runs] [rate] [seconds]`: inferlog's steady figure taken apart by layer.
 * The steady scenario's child, three ways, interleaved run by run: the client with a transport that
 * answers at once (`none`: the log calls, preparing, queueing, batching, and what the bench's own
 * loop costs), then one that also compresses each body as the undici transport does (`compress`),
 * then the real transport to the bench's collector (`http`). The differences are what compression
 * and HTTP cost per event. CPU of the whole child, first call to flush resolved, per logged event
 * (every `http` event must reach the collector, or the run is marked). `seconds` longer than the
 * bench's 5 leaves less of a fresh process's JIT compilation in the figure.
 */
import { median } from "./measure.js";
import { startPeerCollector } from "./peer-collector.js";
import { runChild } from "./spawn.js";

const runs = Number(process.argv[2] ?? 3);
const rate = Number(process.argv[3] ?? 10_000);
const seconds = Number(process.argv[4] ?? 5);
const total = Math.round(rate * seconds);
const LAYERS = ["none", "compress", "http"] as const;

const collector = await startPeerCollector();
const cpu = new Map<string, number[]>(LAYERS.map((layer) => [layer, []]));
for (let run = 0; run < runs; run++) {
  for (const layer of LAYERS) {
    collector.reset();
    if (layer === "http") delete process.env.BENCH_INFERLOG_TRANSPORT;
    else process.env.BENCH_INFERLOG_TRANSPORT = layer;
    const child = await runChild<{ cpuMicrosTotal: number; logged: number }>("steady", "inferlog", {
      base: collector.base,
      batchSize: 100,
      maxQueue: total,
      events: total,
      rate,
      durationMs: seconds * 1000,
    });
    const r = child.result;
    const lost = layer === "http" && collector.counts().delivered < total;
    if (!r || lost) {
      process.stderr.write(
        `  run ${run} ${layer}: ${r ? `delivered ${collector.counts().delivered} of ${total}` : child.error}\n`,
      );
      continue;
    }
    const perEvent = r.cpuMicrosTotal / r.logged;
    cpu.get(layer)?.push(perEvent);
    process.stderr.write(`  run ${run} ${layer}: ${perEvent.toFixed(1)} µs\n`);
  }
}
await collector.close();

const mid = (layer: string) => median(cpu.get(layer) ?? []);
process.stdout.write(`inferlog's CPU per event at ${rate} events/s, ${seconds} s per run, median of ${runs}\n`);
for (const layer of LAYERS) {
  const xs = cpu.get(layer) ?? [];
  const range = xs.length ? `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}` : "no run";
  process.stdout.write(`  ${layer.padEnd(9)} ${mid(layer).toFixed(1)} µs (${range})\n`);
}
process.stdout.write(
  `  by layer: client ${mid("none").toFixed(1)}, compression ${(mid("compress") - mid("none")).toFixed(1)}, HTTP ${(mid("http") - mid("compress")).toFixed(1)} µs\n`,
);
