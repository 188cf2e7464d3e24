import type { Report } from "../metrics/types.js";
import { day, pct } from "./format.js";
import type { ReportTable } from "./tables.js";

const points = (v: number | null, digits = 1): string =>
  v === null ? "–" : `${v > 0 ? "+" : ""}${(v * 100).toFixed(digits)}`;
const interval = (low: number | null, high: number | null, digits = 1): string =>
  low === null || high === null ? "–" : `${points(low, digits)} to ${points(high, digits)}`;
/** Points of a drop, unsigned. */
const size = (v: number): string => (v * 100).toFixed(1);
const pValue = (v: number | null): string => (v === null ? "–" : v < 0.001 ? "< 0.001" : v.toFixed(3));
const amount = (v: number | null): string => (v === null ? "–" : Number.isInteger(v) ? String(v) : v.toFixed(1));

/** Age or calendar time (docs/metrics.md): the plain statement per model, the age effect, and the windows behind it. */
export function challengerTables(r: Report): ReportTable[] {
  const u = r.ageUnit === "hour" ? "h" : "d";
  return [
    {
      id: "confounding",
      title: "Age or calendar time: can the report tell them apart? (two versions labeled in the same window)",
      head: ["model", "versions", "shared windows", "paired requests", "statement"],
      rows: r.confounding.map((x) => [
        x.model,
        String(x.versions),
        String(x.overlappingWindows),
        String(x.pairedRequests),
        x.statement,
      ]),
      empty: "No labeled predictions in the report's range.",
    },
    {
      id: "age-effect",
      title: `Age effect where versions overlap: newer − older accuracy on the same ${r.window}s (pts, 95% CI), per ${u} of age, and the older one's drop`,
      head: [
        "model",
        "older",
        "newer",
        `age gap (${u})`,
        "windows",
        "method",
        "n",
        "newer − older",
        "95% CI",
        "p",
        `pts per ${u} of age`,
        "older's drop (pts)",
        "of it age (pts)",
        "finding",
      ],
      rows: r.ageEffect.map((x) => [
        x.model,
        x.older,
        x.newer,
        amount(x.ageGap === null ? null : Number(x.ageGap.toFixed(1))),
        String(x.windows),
        x.method,
        String(x.n),
        points(x.difference),
        interval(x.ciLow, x.ciHigh),
        pValue(x.pValue),
        x.perAgeUnit === null ? "–" : `${points(x.perAgeUnit, 2)} (${interval(x.perAgeUnitLow, x.perAgeUnitHigh, 2)})`,
        x.olderDrop === null ? "–" : `${size(x.olderDrop)} at ${x.olderDropAge} ${u}`,
        x.ageExplains === null || x.ageExplainsLow === null || x.ageExplainsHigh === null
          ? "–"
          : `${size(x.ageExplains)} (${size(x.ageExplainsLow)} to ${size(x.ageExplainsHigh)})`,
        x.verdict,
      ]),
      empty: "No two versions of a model were labeled in the same window: log a challenger (`shadow: true`).",
    },
    {
      id: "same-window",
      title: `Versions on the same ${r.window}: accuracy of each, and newer − older (paired on the requests both scored)`,
      head: [
        "model",
        r.window,
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
      rows: r.sameWindow.map((x) => [
        x.model,
        day(x.windowStart),
        x.older,
        x.olderRole,
        String(x.olderLabeled),
        pct(x.olderAccuracy),
        x.newer,
        x.newerRole,
        String(x.newerLabeled),
        pct(x.newerAccuracy),
        String(x.paired),
        String(x.olderOnlyRight),
        String(x.newerOnlyRight),
        points(x.difference),
        interval(x.ciLow, x.ciHigh),
        pValue(x.pValue),
      ]),
      empty: "No two versions of a model were labeled in the same window.",
    },
  ];
}
