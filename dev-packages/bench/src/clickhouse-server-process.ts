import { readdirSync, readFileSync } from "node:fs";

/**
 * The local clickhouse-server's pid: BENCH_CLICKHOUSE_PID when set (a private server beside a shared one),
 * else the first process named clickhouse-server; undefined when none runs on this host.
 */
export function clickhouseServerPid(): string | undefined {
  if (process.env.BENCH_CLICKHOUSE_PID) return process.env.BENCH_CLICKHOUSE_PID;
  return readdirSync("/proc").find((name) => {
    if (!/^\d+$/.test(name)) return false;
    try {
      return readFileSync(`/proc/${name}/stat`, "utf8").includes("(clickhouse-serv");
    } catch {
      return false;
    }
  });
}

/** User + system CPU (µs) in a /proc stat line: fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux). */
export function statCpuMicros(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * The server's CPU (µs) in all, and per thread name (`BackgrProcPool`: merges), or undefined when it does not
 * run on this host. Threads that ended count only in `total`.
 */
export function clickhouseServerCpu(): { total: number; byName: Map<string, number> } | undefined {
  const pid = clickhouseServerPid();
  if (pid === undefined) return undefined;
  let total: number;
  try {
    total = statCpuMicros(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
  const byName = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) || "(unnamed)";
      byName.set(name, (byName.get(name) ?? 0) + statCpuMicros(stat));
    } catch {}
  }
  return { total, byName };
}
