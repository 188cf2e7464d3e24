import { type AlertEvent, createMonitorRunner, parseMonitorsConfig, type Store } from "@inferlog/collector";
import { DAY_MS, START_MS } from "./world.js";

/**
 * The demo's two monitors, as they would stand in the collector's config file under `monitors`.
 * Evaluated once per simulated week, so one bad evaluation is enough to fire (fireAfter 1) and one
 * good one to resolve; a collector evaluating every 5 minutes keeps the default of 2.
 */
export const DEMO_MONITORS = parseMonitorsConfig({
  intervalSeconds: 86_400,
  fireAfter: 1,
  resolveAfter: 1,
  rules: [
    { id: "router-accuracy-drop", kind: "quality_drop", model: "ticket-router", metric: "accuracy", points: 10 },
    {
      id: "ticket-length-drift",
      kind: "drift_above",
      model: "ticket-router",
      feature: "words",
      measure: "psi",
      above: 0.25,
      clearAt: 0.1,
    },
  ],
});

export interface WeeklyAlerts {
  week: number;
  transitions: AlertEvent[];
  firing: string[];
}

/** Evaluates the monitors at the end of simulated week `week` (1-based), as `serve` would on its schedule. */
export function weeklyMonitors(store: Store) {
  let now = START_MS;
  const runner = createMonitorRunner({
    store,
    config: DEMO_MONITORS,
    logger: { info: () => {}, warn: () => {}, error: (m) => console.error(m) },
    now: () => now,
    instance: "demo",
  });
  return async (week: number): Promise<WeeklyAlerts> => {
    now = START_MS + week * 7 * DAY_MS;
    const evaluation = await runner.evaluate();
    return {
      week,
      transitions: evaluation.transitions,
      firing: evaluation.firing.map((s) => `${s.monitorId} ${s.scopeKey}`),
    };
  };
}

/** One line per week: what fired or resolved, and what is firing. */
export function alertLines(weeks: readonly WeeklyAlerts[]): string {
  return weeks
    .map(({ week, transitions, firing }) => {
      const changes = transitions.map((t) => `${t.status.toUpperCase()} ${t.monitorId} (${t.scopeKey}): ${t.summary}`);
      const head = `week ${week}: ${firing.length === 0 ? "nothing firing" : `${firing.length} firing`}`;
      return [head, ...changes.map((c) => `  ${c}`)].join("\n");
    })
    .join("\n");
}
