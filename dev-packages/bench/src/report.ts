/** The markdown of docs/benchmarks.md: figures per scenario, goals with pass/fail, and the method. */
import { cpus, loadavg, totalmem } from "node:os";
import * as C from "./config.js";
import { bestPeer, type Goal, type Result } from "./goals.js";
import { loadSubject, versionOf } from "./subjects/index.js";

const fmt = (v: number | null) =>
  v === null ? "—" : Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3);

export function figuresTable(results: Result[]): string {
  const lines: string[] = [];
  for (const { scenario, rows } of results) {
    lines.push(
      `\n### ${scenario}\n`,
      "| metric | subject | value | unit | inferlog vs best peer | note |",
      "|---|---|---|---|---|---|",
    );
    for (const r of rows) {
      let ratio = "";
      if (r.subject.startsWith("inferlog") && r.value !== null) {
        const best = bestPeer(
          rows.filter((p) => p.metric === r.metric),
          r.better,
        );
        if (best?.value) ratio = `${(r.value / best.value).toFixed(2)}x (${best.subject})`;
      }
      const tag = r.reference ? " *(reference)*" : "";
      lines.push(`| ${r.metric} | ${r.subject}${tag} | ${fmt(r.value)} | ${r.unit} | ${ratio} | ${r.note ?? ""} |`);
    }
  }
  return lines.join("\n");
}

export function goalsTable(goals: Goal[]): string {
  return [
    "| goal | target | measured | result |",
    "|---|---|---|---|",
    ...goals.map(
      (g) =>
        `| ${g.name} | ${g.target} | ${g.measured} | ${g.pass === undefined ? "not measured" : g.pass ? "pass" : "**FAIL**"} |`,
    ),
  ].join("\n");
}

export async function method(loadAtStart: number[]): Promise<string> {
  const cpu = cpus();
  const subjects = [];
  for (const name of C.SUBJECTS) {
    const s = await loadSubject(name);
    subjects.push(`| ${s.name} | \`${s.pkg}@${versionOf(s.pkg)}\` | ${s.config} | \`${s.shutdownCall}\` |`);
  }
  const otel = ["@opentelemetry/exporter-logs-otlp-http", "@opentelemetry/api-logs"]
    .map((p) => `\`${p}@${versionOf(p)}\``)
    .join(", ");
  return `## Method

- Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform}/${process.arch}, shared with other work (load average ${loadAtStart.map((l) => l.toFixed(2)).join(" / ")} at the start of the run, ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} at the end). Node ${process.version}.
- Absolute numbers are only comparable within one run: every subject is measured in the same run, on the same machine, against the same collector.
- Each scenario is a fresh Node process (\`src/scenarios/*.ts\`, run by \`src/run.ts\`), and each subject inside it runs in its own child process (\`src/child.ts\`), so no SDK shares a heap, JIT state or event loop with another. inferlog is measured as users run it: the built \`@inferlog/node\` / \`@inferlog/browser\`.
- The collector (\`src/peer-collector.ts\`) is a \`node:http\` server on 127.0.0.1 in the scenario process. It accepts every SDK's ingest route, gunzips, parses each payload and counts events by the sequence number the bench puts in feature \`f0\` (distinct = delivered), and the SDK's own event id (posthog \`uuid\`, segment \`messageId\`, langfuse body \`id\`, inferlog \`id\`; OTLP log records have none), so duplicates are counted both on the wire and after deduplication on that id. Wire bytes are request-body bytes as sent (compressed if the SDK compresses).
- The event: a prediction with 10 features (numbers, strings, a boolean, a null) and a top-3 output (label, score, 3 candidates), mapped to each SDK's normal API (posthog \`capture\` and segment \`track\` properties, OTel log attributes, a langfuse trace's input/output, inferlog \`logPrediction\`).
- Batch size ${C.BATCH} events per request for every subject; other settings are each SDK's defaults.

| subject | version | configuration | documented shutdown |
|---|---|---|---|
${subjects.join("\n")}

OpenTelemetry companions: ${otel}.

How each figure is measured:

- **hot-path**: every synchronous logging call timed one by one with \`process.hrtime\` minus the timer's own cost, ${C.HOT_PATH_CALLS.toLocaleString("en-US")} calls per run, ${C.HOT_PATH_RUNS} runs after a warm-up run, yielding to the event loop every 1,024 calls so background work and uploads happen as on a server. Reported over all calls of all runs: the mean (every call counted, including calls that do batch work inline), median, p99, p99.9 and the worst call; the worst call less the time its thread waited for a CPU (Linux schedstat), and the worst of the calls that held no garbage-collection pause (pauses from \`perf_hooks\` \`gc\` entries, matched to calls by time); and how many calls took 1 ms or more less that wait, and how many of those held a pause. "Process CPU per event" is the child's user + system CPU from the first call until \`flush()\` resolved, over the events: what the app pays including work deferred past the call (serialization, compression, HTTP), in a tight loop.
- **steady**: each subject logs at ${C.STEADY_RATES.map((r) => r.toLocaleString("en-US")).join(" and ")} events/s for ${C.STEADY_MS / 1000} s (paced by a 10 ms timer), then flushes; the figure is the child process's user + system CPU from the first call until flush resolved, over the events the collector holds. Only runs that delivered every event count (median of ${C.STEADY_RUNS} runs, subjects interleaved); a subject that lost events is shown and excluded from "best peer". To take the figure apart, see \`dev-packages/bench/README.md\` ("Profiling a figure": Linux \`perf\` per kind of work, since V8's profiler samples wall time) and docs/node.md ("Halving it").
- **throughput** (sustained maximum): ${C.THROUGHPUT_EVENTS.toLocaleString("en-US")} events logged as fast as the SDK takes them (yielding every 1,024), then flush; events/s from the child's first call until the collector holds all of them; queue sized to hold them all; median of ${C.THROUGHPUT_RUNS} runs, subjects interleaved. A subject that loses events is shown but not eligible as "best peer". The limit posts the same events inferlog sends, serialized and compressed in advance as inferlog does (brotli quality 2), ${C.BATCH} per request over 4 keep-alive connections. Wire bytes per event: median over the runs.
- **outage**: the collector fails from the start for ${C.OUTAGE_MS / 1000} s in one of three ways (each socket destroyed as a request arrives; a JSON 503; a 503 with an HTML body), then recovers. Each subject, with its default queue, logs ${C.OUTAGE_EVENTS.toLocaleString("en-US")} events over ${C.OUTAGE_SPAN_MS / 1000} s (beyond most default queue bounds), keeps running until the collector holds every event or ${C.OUTAGE_PATIENCE_MS / 1000} s after recovery passed, then calls its documented shutdown. inferlog is measured twice: defaults, and with \`spool: { dir }\`. Also reported: time from recovery to the first new event and the longest gap in delivery after recovery. One run per subject and failure.
- **cold-start**: what a serverless function or short job pays before its first event is delivered: each subject in a fresh process (\`src/cold-start-child.ts\`, which has loaded no SDK) imports its SDK, creates a client, logs one prediction and awaits its flush; CPU (user + system) and wall time from before the import to the flush, median of 7 processes per subject, subjects interleaved.
- **exit**: ${C.EXIT_EVENTS.toLocaleString("en-US")} events in a tight loop, the documented shutdown awaited, then \`process.exit(0)\`. One run per subject.
- **memory**: the collector's port is closed (connections refused); the subject, with its default queue settings, logs ${C.MEMORY_EVENTS.toLocaleString("en-US")} events, then another ${C.MEMORY_EVENTS.toLocaleString("en-US")}; heap and RSS after GC (\`--expose-gc\`). The queue counts as bounded when the second round adds under 10% of the first round's heap growth (or under 2 MiB).
- **browser-bundle**: \`src/browser/*.ts\` (init plus one prediction-shaped event) bundled by esbuild (bundle, minify, ESM, es2020, browser platform, \`NODE_ENV=production\`), gzip -9.
- **core-hot-path** and **collector-ingest**: inferlog-only scenarios kept from before (core pipeline cost; collector ingest into SQLite against better-sqlite3 direct).
`;
}
