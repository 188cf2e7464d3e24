import type { Report } from "../metrics/types.js";
import type { ReportTable } from "./tables.js";

/** The Alerts section at the top of the text and HTML reports: what fires now, then the latest changes. */
export function alertsTables(r: Report): ReportTable[] {
  const { firing, recent } = r.alerts;
  return [
    {
      id: "alerts",
      title: `Alerts: ${firing.length === 0 ? "none firing" : `${firing.length} firing`}`,
      head: ["monitor", "scope", "since", "what"],
      rows: firing.map((f) => [f.monitorId, f.scopeKey, f.since.slice(0, 16), f.summary ?? ""]),
      empty: "No monitor is firing.",
    },
    {
      id: "alert-events",
      title: recent.length === 0 ? "Alert history: none recorded" : `Alert history (latest ${recent.length})`,
      head: ["at", "status", "monitor", "scope", "what"],
      rows: recent.map((e) => [e.at.slice(0, 16), e.status, e.monitorId, e.scopeKey, e.summary]),
      empty: "No monitor has fired or resolved yet.",
    },
  ];
}
