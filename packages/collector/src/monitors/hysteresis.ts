import type { Observation } from "./observation.js";
import type { RuleKind } from "./rules.js";

/** What the store keeps per monitor and scope between evaluations (and across restarts). */
export interface MonitorState {
  monitorId: string;
  scopeKey: string;
  kind: RuleKind;
  scope: Record<string, string>;
  status: "ok" | "firing";
  /** Bad evaluations in a row (while ok) and good ones in a row (while firing). */
  bad: number;
  good: number;
  /** The evaluation window this state was last moved in: a second evaluation in it changes nothing. */
  windowMs: number;
  /** When the current status began. */
  sinceMs: number;
  value: number | null;
}

export type Transition = "fired" | "resolved" | null;

/**
 * The next state after one observation: fire after `fireAfter` bad evaluations in a row, resolve after
 * `resolveAfter` good ones; an observation in the band (`between`) resets both counts. An observation in
 * a window already counted changes nothing, so evaluating a window twice is harmless.
 */
export function step(
  previous: MonitorState | undefined,
  observation: Observation,
  at: { windowMs: number; nowMs: number; fireAfter: number; resolveAfter: number },
): { state: MonitorState; transition: Transition } {
  const state: MonitorState = previous
    ? { ...previous }
    : {
        monitorId: observation.monitorId,
        scopeKey: observation.scopeKey,
        kind: observation.kind,
        scope: observation.scope,
        status: "ok",
        bad: 0,
        good: 0,
        windowMs: Number.NEGATIVE_INFINITY,
        sinceMs: at.nowMs,
        value: null,
      };
  if (previous && previous.windowMs >= at.windowMs) return { state, transition: null };
  state.windowMs = at.windowMs;
  state.value = observation.value;
  state.bad = observation.verdict === "bad" ? state.bad + 1 : 0;
  state.good = observation.verdict === "good" ? state.good + 1 : 0;
  if (state.status === "ok" && state.bad >= at.fireAfter) {
    return { state: { ...state, status: "firing", sinceMs: at.nowMs, good: 0 }, transition: "fired" };
  }
  if (state.status === "firing" && state.good >= at.resolveAfter) {
    return { state: { ...state, status: "ok", sinceMs: at.nowMs, bad: 0 }, transition: "resolved" };
  }
  return { state, transition: null };
}
