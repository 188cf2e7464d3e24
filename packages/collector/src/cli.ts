#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type Collector, createCollector } from "./collector.js";
import { loadAuthConfig, loadCollectorConfig } from "./config-file.js";
import { CHECK_USAGE, checkCommand } from "./monitors/check-command.js";
import { startServeMonitors } from "./monitors/serve-monitors.js";
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
  --config <file>  JSON file with write keys: {"keys":[{"key":"sk_...","kind":"server"}]},
                   monitors and webhooks (docs/monitors.md; without it the default monitors run).
                   Send SIGHUP to reload the keys (revocations take effect on the next request).

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
  const logger = {
    info: (m: string) => console.log(m),
    warn: (m: string) => console.warn(m),
    error: (m: string) => console.error(m),
  };
  const collector = await createCollector({
    store: values.store,
    ...(auth ? { auth } : {}),
    logger,
  });
  let address: { url: string };
  try {
    address = await collector.listen({ port, host: values.host });
  } catch (e) {
    await collector.close();
    throw e;
  }
  const monitors = startServeMonitors(collector.store, config, logger);
  // Tests and supervisors read this line to learn the port when --port 0 is used.
  console.log(
    `inferlog-collector listening on ${address.url} (store ${collector.store.kind}${auth ? `, ${auth.keys.length} keys` : ", no keys: loopback only"})`,
  );

  if (configPath) {
    process.on("SIGHUP", () => {
      try {
        collector.setAuth(loadAuthConfig(configPath));
        console.log(`inferlog-collector: reloaded keys from ${configPath}`);
      } catch (e) {
        console.error(`inferlog-collector: kept the previous keys: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`inferlog-collector: ${signal}: finishing in-flight batches`);
    monitors
      .stop()
      .then(() => collector.close())
      .then(
        () => process.exit(0),
        (e) => {
          console.error(`inferlog-collector: shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
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
      await reportCommand(rest, (s) => process.stdout.write(s));
      return;
    case "check":
      // 1 means "something fires"; a check that could not evaluate exits 2, so cron can tell them apart.
      process.exitCode = await checkCommand(rest, (s) => process.stdout.write(s), {
        info: (m) => console.error(m),
        warn: (m) => console.error(m),
        error: (m) => console.error(m),
      }).catch((e: unknown) => {
        console.error(`inferlog-collector: ${e instanceof Error ? e.message : String(e)}`);
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

main(process.argv.slice(2)).catch((e) => {
  console.error(`inferlog-collector: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
