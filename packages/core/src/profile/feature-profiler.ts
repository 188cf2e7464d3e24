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
  const o: ResolvedProfilerOptions = resolveProfilerOptions(options);
  const stats: FeatureProfilerStats = { observed: 0, profilesLogged: 0, mismatched: 0, droppedValues: 0 };
  const settings = {
    relativeAccuracy: o.relativeAccuracy,
    maxTopValues: o.maxTopValues,
    maxTrackedValues: o.maxTrackedValues,
  };
  let groups = new Map<string, Group>();
  let windowStart = 0;
  let windowEnd = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;

  const report = (e: unknown) => {
    try {
      if (o.onError) o.onError(e);
      else consoleWarn(`feature profiler: ${e instanceof Error ? e.message : String(e)}`);
    } catch {
      // a throwing onError must not reach the host app either
    }
  };

  function emit(end: number): number {
    const current = groups;
    groups = new Map();
    let logged = 0;
    for (const g of current.values()) {
      let chunk: Record<string, ProfileColumn> = {};
      let bytes = 0;
      let n = 0;
      const send = () => {
        if (n === 0) return;
        client.logFeatureProfile({
          ...(g.model ? { model: g.model } : {}),
          windowStart,
          windowEnd: end,
          columns: chunk,
        });
        logged++;
        chunk = {};
        bytes = 0;
        n = 0;
      };
      for (const [name, col] of g.columns) {
        const wire = col.toWire();
        // Sizing only at window end keeps observe cheap; big sketches go alone in their event.
        const size = JSON.stringify(wire).length + name.length + 4;
        if (n > 0 && (bytes + size > CHUNK_BYTES || n >= LIMITS.maxProfileColumns)) send();
        chunk[name] = wire;
        bytes += size;
        n++;
      }
      send();
    }
    stats.profilesLogged += logged;
    return logged;
  }

  function onTimer() {
    timer = undefined;
    try {
      const now = o.clock.now();
      if (now >= windowEnd && groups.size > 0) emit(windowEnd);
    } catch (e) {
      report(e);
    }
  }

  function openWindow(now: number) {
    windowStart = now;
    windowEnd = now - (now % o.windowMs) + o.windowMs;
    timer = o.clock.setTimeout(onTimer, windowEnd - now);
  }

  function groupFor(model: ModelInfo | undefined): Group {
    const m = model ?? o.model;
    const key = m ? `${m.name}\u0000${m.version}` : "";
    let g = groups.get(key);
    if (!g) {
      g = { model: m, columns: new Map() };
      groups.set(key, g);
    }
    return g;
  }

  function flush(): number {
    try {
      if (timer !== undefined) o.clock.clearTimeout(timer);
      timer = undefined;
      if (groups.size === 0) return 0;
      return emit(Math.min(o.clock.now(), windowEnd));
    } catch (e) {
      report(e);
      return 0;
    }
  }

  return {
    observe(features, model) {
      if (stopped) return;
      try {
        const now = o.clock.now();
        if (groups.size > 0 && now >= windowEnd) {
          // The timer has not fired yet (a busy event loop): close the old window before adding.
          if (timer !== undefined) o.clock.clearTimeout(timer);
          timer = undefined;
          emit(windowEnd);
        }
        if (groups.size === 0 && timer === undefined) openWindow(now);
        stats.observed++;
        const g = groupFor(model);
        for (const name in features) {
          if (!Object.hasOwn(features, name)) continue;
          let col = g.columns.get(name);
          if (!col) {
            if (
              g.columns.size >= MAX_COLUMNS ||
              name.length > LIMITS.maxFeatureNameLength ||
              FORBIDDEN_KEYS.has(name)
            ) {
              stats.droppedValues++;
              continue;
            }
            col = new ColumnAccumulator(settings, o.sensitive.has(name));
            g.columns.set(name, col);
          }
          if (!col.add(features[name])) stats.mismatched++;
        }
      } catch (e) {
        report(e);
      }
    },
    flush,
    stop() {
      const n = flush();
      stopped = true;
      return n;
    },
    stats: () => ({ ...stats }),
  };
}
