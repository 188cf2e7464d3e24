import { parseArgs } from "node:util";
import { loadCollectorConfig } from "../config-file.js";
import type { Logger } from "../http/handler.js";
import { terminalText } from "../report/format.js";
import { openStore } from "../store/open-store.js";
import { createMonitorRunner } from "./monitor-runner.js";
import { createNotifier } from "./notifier.js";

export const CHECK_USAGE = `Options for check:
  --store <spec>   sqlite:./inferlog.db (default) or clickhouse://127.0.0.1:8123/inferlog
  --config <file>  the collector's config file (its monitors and notifications; default: the default monitors)
  --now <time>     evaluate as of this RFC 3339 time (default: now)
  --json           print the evaluation as JSON
  Exits 1 when a monitor is firing, 0 when none is, 2 when it could not evaluate (for cron and CI).
`;

/** How long `check` waits for its webhooks before it exits. */
const DRAIN_MS = 30_000;

/**
 * `inferlog-collector check`: one evaluation of the monitors now (claimed like the scheduled ones, so a
 * window is counted once however many run it), webhooks for what fired or resolved, and the exit code.
 */
export async function checkCommand(argv: string[], out: (text: string) => void, logger: Logger): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: "string", default: "sqlite:./inferlog.db" },
      config: { type: "string" },
      now: { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  const config = loadCollectorConfig(values.config);
  let nowMs: number | undefined;
  if (values.now !== undefined) {
    nowMs = /^\d+$/.test(values.now) ? Number(values.now) : Date.parse(values.now);
    if (!Number.isFinite(nowMs)) throw new Error(`Expected --now to be an RFC 3339 time, got \`${values.now}\``);
  }
  const fixedNow = nowMs;
  const store = await openStore(String(values.store));
  try {
    const notifier = createNotifier({ config: config.notifications, logger });
    const runner = createMonitorRunner({
      store,
      config: config.monitors,
      notifier,
      logger,
      ...(fixedNow === undefined ? {} : { now: () => fixedNow }),
    });
    const evaluation = await runner.evaluate();
    await notifier.drain(DRAIN_MS);
    if (values.json) out(`${JSON.stringify(evaluation, null, 2)}\n`);
    else {
      const lines = [
        `inferlog-collector check: ${evaluation.evaluated.length} monitors evaluated, ${evaluation.claimedElsewhere.length} already evaluated for this window, ${evaluation.firing.length} firing`,
      ];
      for (const event of evaluation.transitions)
        lines.push(`  ${event.status.toUpperCase()} ${event.monitorId} ${event.scopeKey}: ${event.summary}`);
      for (const monitorState of evaluation.firing) {
        lines.push(
          `  firing since ${new Date(monitorState.sinceMs).toISOString()}: ${monitorState.monitorId} ${monitorState.scopeKey}`,
        );
      }
      out(`${lines.map(terminalText).join("\n")}\n`);
    }
    return evaluation.firing.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
