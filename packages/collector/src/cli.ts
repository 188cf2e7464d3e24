#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type Collector, createCollector } from "./collector.js";
import { loadAuthConfig, loadCollectorConfig } from "./config-file.js";
import { CHECK_USAGE, checkCommand } from "./monitors/check-command.js";
import { startServeMonitors } from "./monitors/serve-monitors.js";
import { createJsonLogger } from "./observability/logger.js";
import { serveSummary } from "./observability/serve-summary.js";
import { REPORT_USAGE, reportCommand } from "./report/cli-report.js";

const USAGE = `Usage: inferlog-collector <command> [options]

Commands:
  serve    Receive inferlog events over HTTP and store them
  report   Print the metrics report computed in the store (tables, --json, --html <file>)
  check    Evaluate the monitors once; exit 1 when one is firing

Options for serve:
  --port <n>       Port to listen on (default 4318)
  --host <addr>    Address to bind (default 127.0.0.1; other addresses need write keys)
  --store <spec>   sqlite:./inferlog.db (default) or clickhouse://127.0.0.1:8123/inferlog
  --config <file>  JSON file with keys: {"keys":[{"key":"sk_...","kind":"server"},{"key":"rk_...","kind":"read"}]},
                   monitors and webhooks (docs/monitors.md; without it the default monitors run).
                   server/browser keys write, read keys read /v1/report, /report and /metrics.
                   Send SIGHUP to reload it (revocations take effect on the next request; a reload
                   that leaves no write key on a non-loopback address is refused).
  --allowed-hosts <names>  Comma-separated Host names to answer (.example.com for subdomains, * for any);
                   default: localhost, .localhost, 127.0.0.1, [::1] when bound to loopback, any otherwise
  --trust-proxy    One proxy in front of every request: the client is the last X-Forwarded-For entry
  --clickhouse-cluster <name>  Create the ClickHouse tables ON CLUSTER <name> (one shard, its replicas):
                   replicated tables, each with a Distributed table beside it; a single-server
                   database moves to them (docs/scaling.md). Also "clickhouse": {"cluster": "<name>"} in --config.
  Logs are JSON lines on stdout. A ClickHouse store that is down at start is waited for
  (/healthz and ingest answer 503 until it answers).

${REPORT_USAGE}
${CHECK_USAGE}`;

async function serve(argv: string[]): Promise<Collector> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "4318" },
      host: { type: "string", default: "127.0.0.1" },
      store: { type: "string", default: "sqlite:./inferlog.db" },
      config: { type: "string" },
      "allowed-hosts": { type: "string" },
      "trust-proxy": { type: "boolean" },
      "clickhouse-cluster": { type: "string" },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Expected --port to be an integer from 0 to 65535, got \`${values.port}\``);
  }
  const configPath = values.config;
  const config = loadCollectorConfig(configPath);
  const auth = config.auth;
  const allowedHosts = values["allowed-hosts"]
    ?.split(",")
    .map((hex) => hex.trim())
    .filter((hex) => hex.length > 0);
  if (allowedHosts?.length === 0) throw new Error("Expected --allowed-hosts to list host names, got nothing");
  const clickhouseCluster = values["clickhouse-cluster"] ?? config.clickhouse.cluster;
  const { log, logger } = createJsonLogger();
  const collector = await createCollector({
    store: values.store,
    ...(auth ? { auth } : {}),
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(values["trust-proxy"] ? { trustProxy: true } : {}),
    ...(clickhouseCluster === undefined ? {} : { clickhouseCluster }),
    logger,
    waitForStore: true,
  });
  let address: { url: string; port: number };
  try {
    address = await collector.listen({ port, host: values.host });
  } catch (error) {
    await collector.close();
    throw error;
  }
  const monitors = startServeMonitors(collector.store, config, logger);
  log.info(
    serveSummary({ host: values.host, port: address.port, store: values.store, configFile: configPath, auth }),
    "inferlog-collector configuration",
  );
  // Signal handlers first: a SIGHUP sent as soon as the listening line shows must not kill the process.
  if (configPath) {
    process.on("SIGHUP", () => {
      try {
        const next = loadAuthConfig(configPath);
        collector.setAuth(next);
        log.info(
          { event: "keys_reloaded", keyCount: next.keys.length },
          `inferlog-collector: reloaded keys from ${configPath}`,
        );
      } catch (cause) {
        log.error(
          { event: "keys_reload_failed" },
          `inferlog-collector: kept the previous keys: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
      }
    });
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: "shutdown", signal }, `inferlog-collector: ${signal}: finishing in-flight batches`);
    monitors
      .stop()
      .then(() => collector.close())
      .then(
        () => {
          log.info({ event: "stopped" }, "inferlog-collector: stopped");
          process.exit(0);
        },
        (entry) => {
          log.error(
            { event: "shutdown_failed" },
            `inferlog-collector: shutdown failed: ${entry instanceof Error ? entry.message : String(entry)}`,
          );
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // Tests and supervisors read this line to learn the port when --port 0 is used.
  log.info(
    { event: "listening", url: address.url, store: collector.store.kind },
    `inferlog-collector listening on ${address.url} (store ${collector.store.kind}${auth ? `, ${auth.keys.length} keys` : ", no keys: loopback only"}${values["trust-proxy"] ? ", trusting X-Forwarded-For" : ""})`,
  );

  return collector;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // `serve --help` and `report --help` are where people look first.
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(USAGE);
    return;
  }
  switch (command) {
    case "serve":
      await serve(rest);
      return;
    case "report":
      await reportCommand(rest, (text) => process.stdout.write(text));
      return;
    case "check":
      // 1 means "something fires"; a check that could not evaluate exits 2, so cron can tell them apart.
      process.exitCode = await checkCommand(rest, (text) => process.stdout.write(text), {
        info: (message) => console.error(message),
        warn: (message) => console.error(message),
        error: (message) => console.error(message),
      }).catch((entry: unknown) => {
        console.error(`inferlog-collector: ${entry instanceof Error ? entry.message : String(entry)}`);
        return 2;
      });
      return;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return;
    default:
      throw new Error(`Unknown command \`${command}\`\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((entry) => {
  console.error(`inferlog-collector: ${entry instanceof Error ? entry.message : String(entry)}`);
  process.exit(1);
});
