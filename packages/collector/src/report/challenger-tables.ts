import type { Report } from "../metrics/types.js";
import { day, pct } from "./format.js";
import type { ReportTable } from "./tables.js";

const points = (value: number | null, digits = 1): string =>
  value === null ? "–" : `${value > 0 ? "+" : ""}${(value * 100).toFixed(digits)}`;
const interval = (low: number | null, high: number | null, digits = 1): string =>
  low === null || high === null ? "–" : `${points(low, digits)} to ${points(high, digits)}`;
/** Points of a drop, unsigned. */
const size = (value: number): string => (value * 100).toFixed(1);
const pValue = (value: number | null): string => (value === null ? "–" : value < 0.001 ? "< 0.001" : value.toFixed(3));
const amount = (value: number | null): string =>
  value === null ? "–" : Number.isInteger(value) ? String(value) : value.toFixed(1);

/** Age or calendar time (docs/metrics.md): the plain statement per model, the age effect, and the windows behind it. */
export function challengerTables(report: Report): ReportTable[] {
  const url = report.ageUnit === "hour" ? "h" : "d";
  return [
    {
      id: "confounding",
      section: "challengers",
      title: "Age or calendar time: can the report tell them apart? (two versions labeled in the same window)",
      head: ["model", "versions", "shared windows", "paired requests", "statement"],
      rows: report.confounding.map((row) => [
        row.model,
        String(row.versions),
        String(row.overlappingWindows),
        String(row.pairedRequests),
        row.statement,
      ]),
      empty: "No labeled predictions in the report's range.",
    },
    {
      id: "age-effect",
      section: "challengers",
      title: `Age effect where versions overlap: newer − older accuracy on the same ${report.window}s (pts, 95% CI), per ${url} of age, and the older one's drop`,
      head: [
        "model",
        "older",
        "newer",
        `age gap (${url})`,
        "windows",
        "method",
        "n",
        "newer − older",
        "95% CI",
        "p",
        `pts per ${url} of age`,
        "older's drop (pts)",
        "of it age (pts)",
        "finding",
      ],
      rows: report.ageEffect.map((row) => [
        row.model,
        row.older,
        row.newer,
        amount(row.ageGap === null ? null : Number(row.ageGap.toFixed(1))),
        String(row.windows),
        row.method,
        String(row.n),
        points(row.difference),
        interval(row.ciLow, row.ciHigh),
        pValue(row.pValue),
        row.perAgeUnit === null
          ? "–"
          : `${points(row.perAgeUnit, 2)} (${interval(row.perAgeUnitLow, row.perAgeUnitHigh, 2)})`,
        row.olderDrop === null ? "–" : `${size(row.olderDrop)} at ${row.olderDropAge} ${url}`,
        row.ageExplains === null || row.ageExplainsLow === null || row.ageExplainsHigh === null
          ? "–"
          : `${size(row.ageExplains)} (${size(row.ageExplainsLow)} to ${size(row.ageExplainsHigh)})`,
        row.verdict,
      ]),
      empty: "No two versions of a model were labeled in the same window: log a challenger (`shadow: true`).",
    },
    {
      id: "same-window",
      section: "challengers",
      title: `Versions on the same ${report.window}: accuracy of each, and newer − older (paired on the requests both scored)`,
      head: [
        "model",
        report.window,
        "older",
        "role",
        "labeled",
        "accuracy",
        "newer",
        "role",
        "labeled",
        "accuracy",
        "paired",
        "older only right",
        "newer only right",
        "newer − older",
        "95% CI",
        "p",
      ],
      rows: report.sameWindow.map((row) => [
        row.model,
        day(row.windowStart),
        row.older,
        row.olderRole,
        String(row.olderLabeled),
        pct(row.olderAccuracy),
        row.newer,
        row.newerRole,
        String(row.newerLabeled),
        pct(row.newerAccuracy),
        String(row.paired),
        String(row.olderOnlyRight),
        String(row.newerOnlyRight),
        points(row.difference),
        interval(row.ciLow, row.ciHigh),
        pValue(row.pValue),
      ]),
      empty: "No two versions of a model were labeled in the same window.",
    },
  ];
}
