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
    .filter((s) => s.status === "firing")
    .map((s) => {
      const event = recent.find(
        (e) => e.status === "firing" && e.monitorId === s.monitorId && e.scopeKey === s.scopeKey,
      );
      return {
        monitorId: s.monitorId,
        scopeKey: s.scopeKey,
        since: new Date(s.sinceMs).toISOString(),
        value: s.value,
        summary: event?.summary ?? null,
        eventId: event?.id ?? null,
      };
    })
    .sort((a, b) => a.since.localeCompare(b.since) || a.monitorId.localeCompare(b.monitorId));
  return { firing, recent: recent.slice(0, limit) };
}
