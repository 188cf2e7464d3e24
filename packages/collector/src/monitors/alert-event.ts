import { createHash } from "node:crypto";
import type { MonitorState } from "./hysteresis.js";
import type { Observation } from "./observation.js";
import type { RuleKind } from "./rules.js";

/** A monitor firing or resolving: what the store records, `GET /v1/alerts` answers and a webhook carries. */
export interface AlertEvent {
  /** The same for every instance and retry of this transition: receivers deduplicate on it. */
  id: string;
  status: "firing" | "resolved";
  monitorId: string;
  kind: RuleKind;
  scope: Record<string, string>;
  scopeKey: string;
  value: number | null;
  threshold: number | null;
  summary: string;
  /** The report window the value comes from (null for kinds that have none). */
  windowStart: string | null;
  /** When the evaluation that moved the monitor ran. */
  at: string;
  description?: string;
}

/** The event of a transition: its id is derived from monitor, scope, status and evaluation window. */
export function alertEventOf(
  observation: Observation,
  status: AlertEvent["status"],
  at: { windowMs: number; nowMs: number; description?: string | undefined },
): AlertEvent {
  const id = createHash("sha256")
    .update(`${observation.monitorId}\u0000${observation.scopeKey}\u0000${status}\u0000${at.windowMs}`)
    .digest("hex")
    .slice(0, 32);
  return {
    id,
    status,
    monitorId: observation.monitorId,
    kind: observation.kind,
    scope: observation.scope,
    scopeKey: observation.scopeKey,
    value: observation.value,
    threshold: observation.threshold,
    summary: observation.summary,
    windowStart: observation.windowStart,
    at: new Date(at.nowMs).toISOString(),
    ...(at.description === undefined ? {} : { description: at.description }),
  };
}

/** A monitor scope that is firing now, with the event that started it. */
export interface FiringAlert {
  state: MonitorState;
  event: AlertEvent | undefined;
}
