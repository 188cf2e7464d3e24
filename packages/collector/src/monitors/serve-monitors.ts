import type { CollectorConfigFile } from "../config-file.js";
import type { Logger } from "../http/handler.js";
import type { Store } from "../store/types.js";
import { createMonitorRunner } from "./monitor-runner.js";
import { createNotifier } from "./notifier.js";
import { type MonitorSchedule, scheduleMonitors } from "./schedule.js";

/** `serve`'s monitors: the config's rules (or the defaults) evaluated every interval, webhooks sent in the background. */
export function startServeMonitors(store: Store, config: CollectorConfigFile, logger: Logger): MonitorSchedule {
  const notifier = createNotifier({ config: config.notifications, logger });
  const runner = createMonitorRunner({ store, config: config.monitors, notifier, logger });
  const schedule = scheduleMonitors(runner, config.monitors.intervalSeconds * 1000, logger);
  return {
    async stop() {
      await schedule.stop();
      // Alerts already queued get a short while to go out; shutdown does not wait on a dead webhook.
      await notifier.drain(2_000);
    },
  };
}
