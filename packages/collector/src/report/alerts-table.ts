import type { Report } from "../metrics/types.js";
import type { ReportTable } from "./tables.js";

/** The Alerts section at the top of the text and HTML reports: what fires now, then the latest changes. */
export function alertsTables(report: Report): ReportTable[] {
  const { firing, recent } = report.alerts;
  return [
    {
      id: "alerts",
      title: `Alerts: ${firing.length === 0 ? "none firing" : `${firing.length} firing`}`,
      head: ["monitor", "scope", "since", "what"],
      rows: firing.map((firingAlert) => [
        firingAlert.monitorId,
        firingAlert.scopeKey,
        firingAlert.since.slice(0, 16),
        firingAlert.summary ?? "",
      ]),
      empty: "No monitor is firing.",
    },
    {
      id: "alert-events",
      title: recent.length === 0 ? "Alert history: none recorded" : `Alert history (latest ${recent.length})`,
      head: ["at", "status", "monitor", "scope", "what"],
      rows: recent.map((event) => [
        event.at.slice(0, 16),
        event.status,
        event.monitorId,
        event.scopeKey,
        event.summary,
      ]),
      empty: "No monitor has fired or resolved yet.",
    },
  ];
}
