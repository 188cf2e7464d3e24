import { readdirSync, readFileSync } from "node:fs";

/**
 * The pid of the local clickhouse-server that answers on `port` (by default the port of $INFERLOG_CLICKHOUSE_URL,
 * else 8123): BENCH_CLICKHOUSE_PID when set; else, among the processes named clickhouse-server, the one whose
 * `--config-file` sets that `http_port` (the test cluster's replicas run beside the single server, so "the first
 * one" measured a replica that took no part: 0 µs per event); else the only one, if only one runs. Undefined when
 * none can be told.
 */
export function clickhouseServerPid(port = defaultPort()): string | undefined {
  if (process.env.BENCH_CLICKHOUSE_PID) return process.env.BENCH_CLICKHOUSE_PID;
  const servers = readdirSync("/proc").filter((name) => {
    if (!/^\d+$/.test(name)) return false;
    try {
      return readFileSync(`/proc/${name}/stat`, "utf8").includes("(clickhouse-serv");
    } catch {
      return false;
    }
  });
  const onPort = servers.find((pid) => configuredHttpPort(pid) === port);
  return onPort ?? (servers.length === 1 ? servers[0] : undefined);
}

const defaultPort = (): string => {
  const url = new URL(process.env.INFERLOG_CLICKHOUSE_URL ?? "http://127.0.0.1:8123");
  return url.port || (url.protocol === "https:" ? "443" : "80");
};

/** The `<http_port>` of the config file a clickhouse-server process was started with, if it can be read. */
function configuredHttpPort(pid: string): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const config = args.find((arg) => arg.startsWith("--config-file="))?.slice("--config-file=".length);
    if (!config) return undefined;
    return /<http_port>\s*(\d+)\s*<\/http_port>/.exec(readFileSync(config, "utf8"))?.[1];
  } catch {
    return undefined;
  }
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
