/**
 * The longest single `log*` call in a tight loop: `logPrediction` 100,000 times with 10 and with
 * 1,000 features, default options, an in-process transport that accepts everything. Prints the
 * worst call, the 99.9th percentile and the mean per call, in CPU time of the process
 * (`process.cpuUsage`, which a loaded machine's scheduler does not inflate; it includes GC
 * threads) and in wall time. Not a scenario of `pnpm bench` (no peers):
 * `pnpm --filter @inferlog/bench exec tsx --conditions=source src/call-stall.ts [calls]`.
 */
import { createClient, type Transport } from "@inferlog/core";

const calls = Number(process.argv[2] ?? 100_000);

const accepting: Transport = { send: async () => ({ kind: "ok" }) };

function featuresOf(n: number): Record<string, number | string> {
  const features: Record<string, number | string> = {};
  for (let i = 0; i < n; i++) features[`feature_${i}`] = i % 3 === 0 ? `v${i}` : i * 0.5;
  return features;
}

async function worstCall(featureCount: number) {
  const client = createClient({ transport: accepting, source: "bench", model: { name: "m", version: "1" } });
  const input = { output: { label: "billing", score: 0.9 }, features: featuresOf(featureCount) };
  const wall = new Float64Array(calls);
  const cpu = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    client.logPrediction(input);
    wall[i] = performance.now() - start;
    const used = process.cpuUsage(startCpu);
    cpu[i] = (used.user + used.system) / 1000;
  }
  const stats = client.stats();
  await client.shutdown({ timeoutMs: 60_000 });
  const worstAt = cpu.indexOf(Math.max(...cpu));
  return {
    features: featureCount,
    calls,
    cpu: summary(cpu),
    wall: summary(wall),
    worstCpuCall: worstAt,
    dropped: stats.dropped.total,
  };
}

function summary(durations: Float64Array) {
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, d) => sum + d, 0);
  const ms = (v: number) => Number(v.toFixed(3));
  return {
    worstMs: ms(sorted[sorted.length - 1] as number),
    p999Ms: ms(sorted[Math.floor(sorted.length * 0.999)] as number),
    meanUs: Number(((total / sorted.length) * 1000).toFixed(1)),
  };
}

for (const featureCount of [10, 1_000]) console.log(JSON.stringify(await worstCall(featureCount)));
