/**
 * `tsx src/compare-steady.ts <runs> <rate> <label>=<subject>[@<build dir>][:<inferlog options JSON>] ...`:
 * the steady scenario for a few subjects or variants of inferlog's options or builds, interleaved
 * run by run so drifting load falls on all of them alike. Prints, per run, the app CPU per
 * delivered event and the wire bytes per event, then each variant's median and range. A build dir
 * holds `node_modules/@inferlog/{core,node}` copied from another build (BENCH_INFERLOG_BUILD in
 * subjects/inferlog.ts). A `batchSize` key in the JSON sets the events per request of any subject
 * (default BATCH); the other keys go to inferlog's options. For example:
 *   tsx src/compare-steady.ts 3 10000 default=inferlog 'q1=inferlog:{"compression":{"level":1}}' otel=otel
 *   tsx src/compare-steady.ts 3 10000 'otel500=otel:{"batchSize":500}' 'inferlog500=inferlog:{"batchSize":500}'
 */
import { BATCH, STEADY_MS, sleep } from "./config.js";
import { median } from "./measure.js";
import { startPeerCollector } from "./peer-collector.js";
import { runChild } from "./spawn.js";
import type { SubjectName } from "./subjects/index.js";

const runs = Number(process.argv[2]);
const rate = Number(process.argv[3]);
const variants = process.argv.slice(4).map((arg) => {
  const [label, spec = ""] = splitOnce(arg, "=");
  const [subjectAndBuild = "", options = ""] = splitOnce(spec, ":");
  const [subject, build = ""] = splitOnce(subjectAndBuild, "@");
  const { batchSize = BATCH, ...rest } = JSON.parse(options || "{}") as { batchSize?: number };
  return { label, subject: subject as SubjectName, build, options: JSON.stringify(rest), batchSize };
});
if (!(runs > 0) || !(rate > 0) || variants.length === 0) {
  throw new Error(
    "usage: compare-steady.ts <runs> <rate> <label>=<subject>[@<build dir>][:<inferlog options JSON>] ...",
  );
}

function splitOnce(s: string, separator: string): [string, string?] {
  const at = s.indexOf(separator);
  return at < 0 ? [s] : [s.slice(0, at), s.slice(at + 1)];
}

const collector = await startPeerCollector();
const total = Math.round((rate * STEADY_MS) / 1000);
const figures = new Map<string, string[]>();
const cpuFigures = new Map<string, number[]>();
for (let run = 0; run < runs; run++) {
  for (const v of variants) {
    collector.reset();
    process.env.BENCH_INFERLOG_OPTIONS = v.options;
    process.env.BENCH_INFERLOG_BUILD = v.build;
    const child = await runChild<{ cpuMicrosTotal: number }>("steady", v.subject, {
      base: collector.base,
      batchSize: v.batchSize,
      maxQueue: total,
      events: total,
      rate,
      durationMs: STEADY_MS,
    });
    await Promise.race([collector.waitFor(total), sleep(2_000)]);
    const c = collector.counts();
    const r = child.result;
    const figure = !r
      ? `failed: ${child.error?.split("\n")[0]}`
      : c.delivered < total
        ? `delivered ${c.delivered} of ${total}`
        : `${(r.cpuMicrosTotal / c.delivered).toFixed(1)} µs ${(c.wireBytes / c.delivered).toFixed(1)} B`;
    figures.set(v.label, [...(figures.get(v.label) ?? []), figure]);
    if (r && c.delivered >= total)
      cpuFigures.set(v.label, [...(cpuFigures.get(v.label) ?? []), r.cpuMicrosTotal / c.delivered]);
    process.stderr.write(`  run ${run} ${v.label}: ${figure}\n`);
  }
}
await collector.close();
process.stdout.write(`app CPU and wire bytes per delivered event at ${rate} events/s, ${STEADY_MS / 1000} s per run\n`);
for (const [label, xs] of figures) {
  const cpu = cpuFigures.get(label) ?? [];
  const range = cpu.length
    ? `  median ${median(cpu).toFixed(1)} µs (${Math.min(...cpu).toFixed(1)}-${Math.max(...cpu).toFixed(1)})`
    : "";
  process.stdout.write(`${label.padEnd(16)} ${xs.join(" | ")}${range}\n`);
}
