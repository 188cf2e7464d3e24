/**
 * `tsx src/compare-hot-path.ts <rounds> <label>=[<build dir>] ...`: the hot-path scenario for inferlog
 * builds side by side, interleaved round by round so drifting load falls on all of them alike. A build dir
 * holds `node_modules/@inferlog/{core,node}` copied from another build (BENCH_INFERLOG_BUILD in
 * subjects/inferlog.ts); an empty one is this checkout's build. Prints each run's figures in µs (the
 * worst call, less the thread's wait for a CPU, the longest scavenge and mark-compact pauses, ...) and
 * each build's median of every figure. For example:
 *   tsx src/compare-hot-path.ts 5 before=/tmp/before-build after=
 */
import { hotPathOptions } from "./config.js";
import { median } from "./measure.js";
import { startPeerCollector } from "./peer-collector.js";
import { runChild } from "./spawn.js";

const rounds = Number(process.argv[2]);
const builds = process.argv.slice(3).map((arg) => {
  const at = arg.indexOf("=");
  return at < 0 ? { label: arg, dir: "" } : { label: arg.slice(0, at), dir: arg.slice(at + 1) };
});
if (!(rounds > 0) || builds.length === 0)
  throw new Error("usage: compare-hot-path.ts <rounds> <label>=[<build dir>] ...");

const collector = await startPeerCollector();
const seen = new Map<string, Record<string, number[]>>();
/** Figures in ns (`...Ns`, `...NsPer...`) print in µs; counts as they are. */
const show = (key: string, value: number) => (/Ns($|[A-Z])/.test(key) ? (value / 1000).toFixed(1) : String(value));
for (let round = 0; round < rounds; round++)
  for (const { label, dir } of builds) {
    if (dir) process.env.BENCH_INFERLOG_BUILD = dir;
    else delete process.env.BENCH_INFERLOG_BUILD;
    const child = await runChild<Record<string, number | null>>(
      "hot-path",
      "inferlog",
      hotPathOptions(collector.base),
      { timeoutMs: 300_000 },
    );
    collector.reset();
    if (!child.result) {
      console.log(`${label}: failed: ${child.error}`);
      continue;
    }
    const figures = seen.get(label) ?? {};
    seen.set(label, figures);
    const line: string[] = [];
    for (const [key, value] of Object.entries(child.result)) {
      if (value === null) continue;
      figures[key] = [...(figures[key] ?? []), value];
      line.push(`${key.replace(/Ns$/, "")} ${show(key, value)}`);
    }
    console.log(`${label} (round ${round + 1}): ${line.join(", ")} (µs, counts as counts)`);
  }
await collector.close();
for (const [label, figures] of seen)
  console.log(
    `${label}, median of ${rounds}: ${Object.entries(figures)
      .map(([key, values]) => `${key.replace(/Ns$/, "")} ${show(key, median(values))}`)
      .join(", ")} (µs, counts as counts)`,
  );
