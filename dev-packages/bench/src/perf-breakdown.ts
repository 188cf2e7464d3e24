/**
 * `perf script -i <file> | tsx src/perf-breakdown.ts`: where a child's CPU time went, by kind of
 * work, from Linux `perf` samples (see BENCH_PERF in profile-steady.ts). Unlike V8's profiler,
 * `perf` samples CPU time, in every thread and in the kernel, so the shares add up to what
 * `process.cpuUsage` measures. A sample of the main thread goes to the category of the frame
 * nearest its leaf that names one (a builtin or a syscall counts for the code that called it);
 * V8's own threads are split into GC and JIT compilation.
 */
import { readFileSync } from "node:fs";

/** First match from the leaf up wins; frames are perf's "symbol (dso)" text. */
const MAIN_THREAD: [string, RegExp][] = [
  ["garbage collection", /Scavenger|MarkCompact|Heap::|Heap_|GCTracer|EvacuatePrologue|MinorMarkSweep|GarbageCollect/],
  ["compression (zlib)", /Brotli|deflate|zlib|CreateBackwardReferences|BuildHistograms|StoreDataWithHuffman/],
  ["JIT compilation", /compiler::|Compiler::|baseline::|Maglev|interpreter::/],
  ["socket write", /uv__write|uv_try_write|LibuvStreamWrap|StreamBase::Write|writev/],
  ["event loop wait, timers", /uv__io_poll|epoll|uv__run_timers|node:internal\/timers|task_queues/],
  ["undici (HTTP client)", /undici/],
  ["node:http (HTTP client)", /node:(_http_|http\b|https\b)/],
  ["node net/streams/events", /node:(net|internal\/streams|events|internal\/event_target|internal\/abort_controller)/],
  ["p-queue", /p-queue|eventemitter3/],
  ["node transport (inferlog/node)", /(packages|@inferlog)\/node\/(src|dist)/],
  ["core (inferlog/core)", /(packages|@inferlog)\/core\/(src|dist)/],
  ["bench harness (inputs, pacing)", /bench\/src/],
];

const threadCategory = (frames: string[]): string => {
  const all = frames.join("\n");
  if (/compiler::|Compiler|Maglev|baseline/.test(all)) return "V8 threads: JIT compilation";
  if (/Heap|Scavenge|Mark|Sweep|GC|Concurrent/.test(all)) return "V8 threads: garbage collection";
  return "other threads";
};

export function perfBreakdown(script: string): { total: number; rows: [string, number][] } {
  const counts = new Map<string, number>();
  let total = 0;
  for (const block of script.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    const head = lines[0]?.match(/^\S+\s+(\d+)(?:\/(\d+))?\s/);
    if (!head) continue;
    const frames = lines.slice(1).map((l) => l.trim().replace(/^[0-9a-f]+ /, ""));
    const main = frames.some((f) => /node::Start|uv_run|node::SpinEventLoop/.test(f));
    let category = "other (main thread)";
    if (!main) category = threadCategory(frames);
    else
      for (const frame of frames) {
        const hit = MAIN_THREAD.find(([, re]) => re.test(frame));
        if (hit) {
          category = hit[0];
          break;
        }
      }
    counts.set(category, (counts.get(category) ?? 0) + 1);
    total++;
  }
  return { total, rows: [...counts].sort((a, b) => b[1] - a[1]) };
}

if (process.argv[1]?.endsWith("perf-breakdown.ts")) {
  const { total, rows } = perfBreakdown(readFileSync(process.argv[2] ?? 0, "utf8"));
  console.log(`${total} samples`);
  for (const [k, n] of rows) console.log(`${((n / total) * 100).toFixed(1).padStart(6)}%  ${k}`);
}
