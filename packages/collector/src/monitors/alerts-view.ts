import type { Store } from "../store/types.js";
import type { AlertEvent } from "./alert-event.js";
import { readAlertTables } from "./alert-tables.js";

/** A monitor scope firing now, with what its firing event said. */
export interface FiringAlert {
  monitorId: string;
  scopeKey: string;
  since: string;
  value: number | null;
  summary: string | null;
  eventId: string | null;
}

/** What `GET /v1/alerts` answers and the reports show at the top. */
export interface AlertsView {
  firing: FiringAlert[];
  /** The latest firings and resolutions, newest first. */
  recent: AlertEvent[];
}

export const DEFAULT_RECENT_ALERTS = 20;

/** The store's firing monitors and recent alert events. */
export async function alertsView(store: Store, limit = DEFAULT_RECENT_ALERTS): Promise<AlertsView> {
  const tables = readAlertTables(store);
  const recent = await tables.events(Math.max(limit, 500));
  const firing = (await tables.states())
    .filter((monitorState) => monitorState.status === "firing")
    .map((monitorState) => {
      const event = recent.find(
        (event) =>
          event.status === "firing" &&
          event.monitorId === monitorState.monitorId &&
          event.scopeKey === monitorState.scopeKey,
      );
      return {
        monitorId: monitorState.monitorId,
        scopeKey: monitorState.scopeKey,
        since: new Date(monitorState.sinceMs).toISOString(),
        value: monitorState.value,
        summary: event?.summary ?? null,
        eventId: event?.id ?? null,
      };
    })
    .sort((left, right) => left.since.localeCompare(right.since) || left.monitorId.localeCompare(right.monitorId));
  return { firing, recent: recent.slice(0, limit) };
}
