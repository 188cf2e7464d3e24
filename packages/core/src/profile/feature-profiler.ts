import type { Client } from "../client.js";
import { consoleWarn, type TimerHandle } from "../runtime.js";
import type { ModelInfo } from "../schema/events.js";
import { FORBIDDEN_KEYS, LIMITS } from "../schema/limits.js";
import { ColumnAccumulator, type ProfileColumn } from "./column.js";
import {
  type FeatureProfilerOptions,
  MAX_COLUMNS,
  type ResolvedProfilerOptions,
  resolveProfilerOptions,
} from "./profiler-options.js";

/** Serialized columns per `ml.feature_profile` event, well under the default 256 KiB event limit. */
const CHUNK_BYTES = 64 * 1024;

export interface FeatureProfilerStats {
  /** Feature records observed. */
  observed: number;
  /** `ml.feature_profile` events handed to the client. */
  profilesLogged: number;
  /** Values whose kind differed from their column's (counted as nulls). */
  mismatched: number;
  /** Values of columns beyond the per-window limit, or with names the wire refuses. */
  droppedValues: number;
}

export interface FeatureProfiler {
  /** Adds one record of feature values to the current window: O(number of features). Never throws. */
  observe(features: Readonly<Record<string, unknown>>, model?: ModelInfo): void;
  /** Logs what the current window holds so far (its `windowEnd` is now) and starts a new one. Returns events logged. */
  flush(): number;
  /** Flushes, then ignores further observations and clears the timer. */
  stop(): number;
  stats(): FeatureProfilerStats;
}

interface Group {
  model: ModelInfo | undefined;
  columns: Map<string, ColumnAccumulator>;
}

/**
 * Aggregates feature values per window into mergeable summaries (DDSketch for numbers, counts
 * and top values for categories) and logs them as `ml.feature_profile` through `client`, so raw
 * values need not leave the process. Windows end on a timer and on `flush`/`stop`.
 */
export function createFeatureProfiler(
  client: Pick<Client, "logFeatureProfile">,
  options: FeatureProfilerOptions,
): FeatureProfiler {
  const resolvedProfilerOptions: ResolvedProfilerOptions = resolveProfilerOptions(options);
  const stats: FeatureProfilerStats = { observed: 0, profilesLogged: 0, mismatched: 0, droppedValues: 0 };
  const settings = {
    relativeAccuracy: resolvedProfilerOptions.relativeAccuracy,
    maxTopValues: resolvedProfilerOptions.maxTopValues,
    maxTrackedValues: resolvedProfilerOptions.maxTrackedValues,
  };
  let groups = new Map<string, Group>();
  let windowStart = 0;
  let windowEnd = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;

  const report = (entry: unknown) => {
    try {
      if (resolvedProfilerOptions.onError) resolvedProfilerOptions.onError(entry);
      else consoleWarn(`feature profiler: ${entry instanceof Error ? entry.message : String(entry)}`);
    } catch {
      // a throwing onError must not reach the host app either
    }
  };

  function emit(end: number): number {
    const current = groups;
    groups = new Map();
    let logged = 0;
    for (const group of current.values()) {
      let chunk: Record<string, ProfileColumn> = {};
      let bytes = 0;
      let count = 0;
      const send = () => {
        if (count === 0) return;
        client.logFeatureProfile({
          ...(group.model ? { model: group.model } : {}),
          windowStart,
          windowEnd: end,
          columns: chunk,
        });
        logged++;
        chunk = {};
        bytes = 0;
        count = 0;
      };
      for (const [name, col] of group.columns) {
        const wire = col.toWire();
        // Sizing only at window end keeps observe cheap; big sketches go alone in their event.
        const size = JSON.stringify(wire).length + name.length + 4;
        if (count > 0 && (bytes + size > CHUNK_BYTES || count >= LIMITS.maxProfileColumns)) send();
        chunk[name] = wire;
        bytes += size;
        count++;
      }
      send();
    }
    stats.profilesLogged += logged;
    return logged;
  }

  function onTimer() {
    timer = undefined;
    try {
      const now = resolvedProfilerOptions.clock.now();
      if (now >= windowEnd && groups.size > 0) emit(windowEnd);
    } catch (error) {
      report(error);
    }
  }

  function openWindow(now: number) {
    windowStart = now;
    windowEnd = now - (now % resolvedProfilerOptions.windowMs) + resolvedProfilerOptions.windowMs;
    timer = resolvedProfilerOptions.clock.setTimeout(onTimer, windowEnd - now);
  }

  function groupFor(model: ModelInfo | undefined): Group {
    const match = model ?? resolvedProfilerOptions.model;
    const key = match ? `${match.name}\u0000${match.version}` : "";
    let group = groups.get(key);
    if (!group) {
      group = { model: match, columns: new Map() };
      groups.set(key, group);
    }
    return group;
  }

  function flush(): number {
    try {
      if (timer !== undefined) resolvedProfilerOptions.clock.clearTimeout(timer);
      timer = undefined;
      if (groups.size === 0) return 0;
      return emit(Math.min(resolvedProfilerOptions.clock.now(), windowEnd));
    } catch (error) {
      report(error);
      return 0;
    }
  }

  return {
    observe(features, model) {
      if (stopped) return;
      try {
        const now = resolvedProfilerOptions.clock.now();
        if (groups.size > 0 && now >= windowEnd) {
          // The timer has not fired yet (a busy event loop): close the old window before adding.
          if (timer !== undefined) resolvedProfilerOptions.clock.clearTimeout(timer);
          timer = undefined;
          emit(windowEnd);
        }
        if (groups.size === 0 && timer === undefined) openWindow(now);
        stats.observed++;
        const group = groupFor(model);
        for (const name in features) {
          if (!Object.hasOwn(features, name)) continue;
          let col = group.columns.get(name);
          if (!col) {
            if (
              group.columns.size >= MAX_COLUMNS ||
              name.length > LIMITS.maxFeatureNameLength ||
              FORBIDDEN_KEYS.has(name)
            ) {
              stats.droppedValues++;
              continue;
            }
            col = new ColumnAccumulator(settings, resolvedProfilerOptions.sensitive.has(name));
            group.columns.set(name, col);
          }
          if (!col.add(features[name])) stats.mismatched++;
        }
      } catch (error) {
        report(error);
      }
    },
    flush,
    stop() {
      const count = flush();
      stopped = true;
      return count;
    },
    stats: () => ({ ...stats }),
  };
}
