/**
 * `tsx src/profile-summary.ts <file.cpuprofile> [rows]`: where a child's CPU went, by function, as
 * self time and inclusive time (ms). Profiles come from `BENCH_CPU_PROF=<dir>` (see spawn.ts).
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarize(profile: CpuProfile): {
  totalMs: number;
  self: [string, number][];
  inclusive: [string, number][];
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(packages|node_modules)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const leaf = byId.get(id) as ProfileNode;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + us / 1000);
    // Each function counts once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur) as ProfileNode);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us / 1000);
    }
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: totalUs / 1000, self: top(self), inclusive: top(inclusive) };
}

if (process.argv[1]?.endsWith("profile-summary.ts")) {
  const [file, rows = "30"] = process.argv.slice(2);
  if (!file) throw new Error("usage: tsx src/profile-summary.ts <file.cpuprofile> [rows]");
  const s = summarize(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  const show = (title: string, list: [string, number][]) => {
    console.log(`\n${title}`);
    for (const [k, ms] of list.slice(0, Number(rows))) console.log(`${ms.toFixed(1).padStart(9)} ms  ${k}`);
  };
  console.log(`sampled ${s.totalMs.toFixed(0)} ms`);
  show("self time", s.self);
  show("inclusive time", s.inclusive);
}
