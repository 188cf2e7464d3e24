import { randomUUID } from "node:crypto";
import type { Logger } from "../http/handler.js";
import { computeReport } from "../metrics/compute-report.js";
import { WINDOWS } from "../metrics/options.js";
import type { ReportSection } from "../metrics/sections.js";
import type { Report } from "../metrics/types.js";
import type { Store } from "../store/types.js";
import { type AlertEvent, alertEventOf } from "./alert-event.js";
import { type AlertTables, type AlertTablesOptions, alertTables } from "./alert-tables.js";
import { evaluateRules, kOf, type MonitorInputs } from "./evaluate-rules.js";
import { type MonitorState, step } from "./hysteresis.js";
import { STALE_WINDOWS } from "./judged-series.js";
import { lastSeenSources } from "./last-seen.js";
import type { Notifier } from "./notifier.js";
import { NO_RECENT_DATA, NOT_CONFIGURED, type Observation, quiet } from "./observation.js";
import { DEFAULT_LOOKBACK_HOURS, type MonitorsConfig, type Rule } from "./rules.js";

export interface MonitorRunnerOptions extends AlertTablesOptions {
  store: Store;
  config: MonitorsConfig;
  notifier?: Notifier;
  logger: Logger;
  /** The clock: evaluation windows, report `now` and hysteresis times (tests pass a fake one). */
  now?: () => number;
  /** Names this process in claims (default a random UUID). */
  instance?: string;
}

export interface Evaluation {
  /** Start of the evaluation window (ms): `now` rounded down to the interval. */
  windowMs: number;
  /** Monitors this instance evaluated, and those another instance (or an earlier run) claimed for this window. */
  evaluated: string[];
  claimedElsewhere: string[];
  /** Monitors no longer in the configuration that were firing: resolved by this evaluation. */
  resolvedRemoved: string[];
  observations: Observation[];
  /** Firings and resolutions this evaluation caused (recorded in the store and sent to the webhooks). */
  transitions: AlertEvent[];
  /** Every monitor scope firing after this evaluation, as the store has it. */
  firing: MonitorState[];
}

export interface MonitorRunner {
  readonly instance: string;
  readonly tables: AlertTables;
  /** Claims, evaluates, moves the hysteresis state, records and notifies. */
  evaluate(): Promise<Evaluation>;
}

/**
 * The report sections each kind of rule judges, besides those every report has (quality, versions): a monitor's
 * report computes only these. For the default rules that leaves out the business, item, calibration and challenger
 * sections: on ClickHouse about a fifth of a full report's server CPU at 2M events and a third at 10M (docs/monitors.md).
 */
const SECTIONS_OF: Record<Rule["kind"], readonly ReportSection[]> = {
  quality_below: [],
  quality_drop: [],
  label_coverage_below: [],
  estimated_accuracy_below: ["calibration"],
  estimated_accuracy_drop: ["calibration"],
  drift_above: ["drift"],
  ignore_rate_rise: ["feedback"],
  orphan_share_above: ["orphans"],
  business_off_baseline: ["business"],
  no_events: [],
};

/** Inputs for `rules`: one report per window they use (k large enough for their hit@k), sources if needed. */
async function gatherInputs(store: Store, rules: readonly Rule[], nowMs: number): Promise<MonitorInputs> {
  const reports = new Map<string, Report>();
  const index = Math.max(3, ...rules.map(kOf));
  const judged = rules.filter((rule) => rule.kind !== "no_events");
  for (const window of new Set(judged.map((row) => row.window ?? "week"))) {
    const sections = [
      ...new Set(judged.filter((rule) => (rule.window ?? "week") === window).flatMap((rule) => SECTIONS_OF[rule.kind])),
    ];
    // Drift is judged in fresh windows only (judged-series.ts): its rows start there, against the same references.
    const driftFrom = nowMs - STALE_WINDOWS * WINDOWS[window];
    reports.set(window, await computeReport(store, { now: nowMs, to: nowMs, window, k: index, sections, driftFrom }));
  }
  const silent = rules.filter((rule) => rule.kind === "no_events");
  const longest = Math.max(0, ...silent.map((row) => row.lookbackHours ?? DEFAULT_LOOKBACK_HOURS));
  const seen = silent.length === 0 ? [] : await lastSeenSources(store, nowMs - longest * 3_600_000);
  return {
    nowMs,
    report: (window) => {
      const report = reports.get(window);
      if (!report) throw new Error(`No ${window} report was computed for the monitors`);
      return report;
    },
    lastSeen: (sinceMs) => seen.filter((entry) => entry.lastMs >= sinceMs),
  };
}

export function createMonitorRunner(options: MonitorRunnerOptions): MonitorRunner {
  const { store, config, logger } = options;
  const now = options.now ?? Date.now;
  const instance = options.instance ?? randomUUID();
  const tables = alertTables(store, options);
  const intervalMs = config.intervalSeconds * 1000;
  const rules = new Map(config.rules.map((rule) => [rule.id, rule]));

  return {
    instance,
    tables,
    async evaluate() {
      const nowMs = now();
      const windowMs = Math.floor(nowMs / intervalMs) * intervalMs;
      // Firing monitors that are no longer configured are claimed too, to resolve them once.
      const removed = new Set(
        (await tables.states())
          .filter((monitorState) => monitorState.status === "firing" && !rules.has(monitorState.monitorId))
          .map((monitorState) => monitorState.monitorId),
      );
      const won = await tables.claim([...rules.keys(), ...removed], windowMs, instance, nowMs);
      const mine = [...rules.values()].filter((rule) => won.has(rule.id));
      const observations = mine.length === 0 ? [] : evaluateRules(mine, await gatherInputs(store, mine, nowMs));
      const states = new Map(
        (await tables.states()).map((monitorState) => [
          `${monitorState.monitorId}\u0000${monitorState.scopeKey}`,
          monitorState,
        ]),
      );
      const judged = new Set(
        observations.map((observation) => `${observation.monitorId}\u0000${observation.scopeKey}`),
      );
      for (const [key, monitorState] of states) {
        if (!won.has(monitorState.monitorId) || monitorState.status !== "firing" || judged.has(key)) continue;
        const rule = rules.get(monitorState.monitorId);
        observations.push(quiet(monitorState, rule ? NO_RECENT_DATA : NOT_CONFIGURED));
      }
      const transitions: AlertEvent[] = [];
      for (const observation of observations) {
        const rule = rules.get(observation.monitorId);
        const key = `${observation.monitorId}\u0000${observation.scopeKey}`;
        const previous = states.get(key);
        const { state, transition } = step(previous, observation, {
          windowMs,
          nowMs,
          fireAfter: rule?.fireAfter ?? config.fireAfter,
          resolveAfter: rule ? (rule.resolveAfter ?? config.resolveAfter) : 1,
        });
        if (previous?.windowMs === state.windowMs) continue;
        states.set(key, state);
        if (transition) {
          const event = alertEventOf(observation, transition === "fired" ? "firing" : "resolved", {
            windowMs,
            nowMs,
            description: rule?.description,
          });
          // Recorded before it is sent: the store is the record, the webhook a copy.
          await tables.record(event);
          transitions.push(event);
          const line = `inferlog-collector: alert ${event.status}: ${event.monitorId} ${event.scopeKey}: ${event.summary}`;
          if (event.status === "firing") logger.warn(line);
          else logger.info(line);
          options.notifier?.notify(event);
        }
        await tables.saveState(state, nowMs);
      }
      return {
        windowMs,
        evaluated: mine.map((rule) => rule.id),
        claimedElsewhere: [...rules.keys()].filter((id) => !won.has(id)),
        resolvedRemoved: [...removed].filter((id) => won.has(id)),
        observations,
        transitions,
        firing: [...states.values()].filter(
          (monitorState) => monitorState.status === "firing" && rules.has(monitorState.monitorId),
        ),
      };
    },
  };
}
