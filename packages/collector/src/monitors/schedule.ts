import type { Logger } from "../http/handler.js";
import type { MonitorRunner } from "./monitor-runner.js";

export interface MonitorSchedule {
  /** Stops the schedule; resolves once an evaluation under way has finished. */
  stop(): Promise<void>;
}

/**
 * Evaluates the monitors every `intervalMs` inside `serve`, off the ingest path: one evaluation at a
 * time (a slow one delays the next rather than overlapping it), timers unref'd, and a failure said
 * once per episode (and once when it recovers).
 */
export function scheduleMonitors(runner: MonitorRunner, intervalMs: number, logger: Logger): MonitorSchedule {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let failing = false;
  const tick = () => {
    running = runner.evaluate().then(
      () => {
        if (failing) logger.info("inferlog-collector: monitors evaluate again");
        failing = false;
      },
      (entry) => {
        if (!failing) {
          logger.error(
            `inferlog-collector: evaluating the monitors failed: ${entry instanceof Error ? entry.message : String(entry)}`,
          );
        }
        failing = true;
      },
    );
    void running.then(() => {
      if (stopped) return;
      // The next evaluation at the start of the next interval window, so instances line up on windows.
      const wait = intervalMs - (Date.now() % intervalMs) + 50;
      timer = setTimeout(tick, wait);
      timer.unref();
    });
  };
  timer = setTimeout(tick, 0);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
