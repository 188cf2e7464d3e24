/**
 * `tsx src/profile-ingest.ts <file.cpuprofile> <events>`: where the collector's time went during an
 * ingest run, by stage, in ms and µs per event. Profiles come from
 * `BENCH_CPU_PROF=<dir> … bench -- ingest-stores` (the first file of a run is the throughput child).
 * Each sample goes to the stage of the innermost frame that names one, so an inflate called from
 * the HTTP handler counts as inflating. The profiler samples wall time: on a loaded machine a
 * sample can include time the process waited for a core, so read shares, not absolute figures.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Stages in the order they are tried on each frame; the first whose pattern matches the frame names it. */
const STAGES: readonly [stage: string, frame: RegExp][] = [
  ["idle", /^\(idle\) /],
  ["garbage collection", /^\(garbage collector\) /],
  [
    "start-up (module loading, store open)",
    /node:internal\/modules|tsx\/dist|createCollector|open\w*Store|warmValidators/,
  ],
  ["validation (zod)", /checkEvent|zod\/|core\/dist\//],
  ["decode, JSON.parse, scan", /parseBatch|parse-json-array/],
  ["inflate", /read-body|node:zlib/],
  ["rows (toRows)", /toRows|featureRows|store\/rows\.ts/],
  ["ClickHouse encoding (RowBinary, JSONEachRow)", /clickhouse-table-|clickhouse-row-binary/],
  ["ClickHouse requests", /clickhouse-http|clickhouse-post|_http_client|_http_agent|undici|webstreams/],
  ["SQLite statements and commit", /sqlite-|better-sqlite3/],
  ["group commit", /group-commit/],
  ["HTTP server (parse, handler, reply, sockets)", /_http_|http\/handler|node:net|stream_base|writev|parserOn/],
];

export function stageTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const stageOfNode = (id: number): string => {
    const known = stageOf.get(id);
    if (known) return known;
    let stage = "other";
    search: for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = (byId.get(at) as ProfileNode).callFrame;
      for (const [name, frame] of STAGES) {
        if (frame.test(`${functionName} ${url}`)) {
          stage = name;
          break search;
        }
      }
    }
    stageOf.set(id, stage);
    return stage;
  };
  const micros = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const stage = stageOfNode(id);
    micros.set(stage, (micros.get(stage) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return micros;
}

if (process.argv[1]?.endsWith("profile-ingest.ts")) {
  const [file, events] = process.argv.slice(2);
  if (!file || !events) throw new Error("usage: tsx src/profile-ingest.ts <file.cpuprofile> <events>");
  const micros = stageTimes(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  const notWork = (stage: string) => stage === "idle" || stage.startsWith("start-up");
  const work = [...micros].filter(([stage]) => !notWork(stage)).reduce((sum, [, us]) => sum + us, 0);
  for (const [stage, us] of [...micros].sort((a, b) => b[1] - a[1])) {
    const share = notWork(stage) ? "" : `${((100 * us) / work).toFixed(0).padStart(3)}%`;
    console.log(
      `${stage.padEnd(46)} ${(us / 1000).toFixed(0).padStart(7)} ms ${(us / Number(events)).toFixed(1).padStart(7)} µs/event ${share}`,
    );
  }
}
