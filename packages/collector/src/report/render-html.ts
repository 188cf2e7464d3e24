import type { ReportSection } from "../metrics/sections.js";
import type { Report } from "../metrics/types.js";
import { alertsTables } from "./alerts-table.js";
import { businessUseCharts } from "./business-use-html.js";
import { driftSection } from "./drift-html.js";
import { day } from "./format.js";
import { esc, lineChart, type Series } from "./svg-chart.js";
import { ageSymbol, type ReportTable, reportTables, sectionsLeftOut } from "./tables.js";

const group = <T>(rows: T[], key: (result: T) => string): Map<string, T[]> => {
  const match = new Map<string, T[]>();
  for (const result of rows) match.set(key(result), [...(match.get(key(result)) ?? []), result]);
  return match;
};
const dateTick = (value: number) => day(new Date(value).toISOString()).slice(5);
const pctTick = (value: number) => `${(value * 100).toFixed(0)}%`;

function table(id: string, head: string[], rows: string[][]): string {
  return `<table id="${id}"><thead><tr>${head.map((hex) => `<th>${esc(hex)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((row) => {
      // A short row (a refusal) lets its last cell span the columns it does not fill, as a note.
      const span = head.length - row.length + 1;
      const cells = row.map((char, index) =>
        index === row.length - 1 && span > 1
          ? `<td class="note" colspan="${span}">${esc(char)}</td>`
          : `<td>${esc(char)}</td>`,
      );
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("")}</tbody></table>`;
}

/** A report table, or the note saying why it is empty. */
function section(reportTable: ReportTable): string {
  const body =
    reportTable.rows.length === 0
      ? `<p class="empty" id="table-${esc(reportTable.id)}">${esc(reportTable.empty)}</p>`
      : table(`table-${reportTable.id}`, reportTable.head, reportTable.rows);
  return `<h2>${esc(reportTable.title)}</h2>\n${body}`;
}

/** Each version's deploy time (`deployedAt`, else its first prediction), drawn as a vertical line on the time charts. */
export function deployMarkers(report: Report): { model: string; x: number; label: string }[] {
  return report.versions.map((row) => ({
    model: row.model,
    x: Date.parse(row.deployedAt ?? row.firstSeen),
    label: `${row.model} ${row.version}`,
  }));
}

function charts(report: Report): string[] {
  const acc: Series[] = [];
  for (const [name, rows] of group(report.quality, (row) => `${row.model} ${row.version}`)) {
    acc.push({
      name: `${name} top-1`,
      points: rows.flatMap((row) =>
        row.accuracy === null ? [] : [{ x: Date.parse(row.windowStart), y: row.accuracy }],
      ),
    });
    acc.push({
      name: `${name} hit@${report.k}`,
      dashed: true,
      points: rows.flatMap((row) => {
        const high = row.hitAt[report.k - 1];
        return high === null || high === undefined ? [] : [{ x: Date.parse(row.windowStart), y: high }];
      }),
    });
  }
  const age: Series[] = [...group(report.modelAge, (row) => `${row.model} ${row.version}`)].map(([name, rows]) => ({
    name,
    points: rows.flatMap((row) => (row.slidingAccuracy === null ? [] : [{ x: row.age, y: row.slidingAccuracy }])),
  }));
  const exposure: Series[] = [...group(report.exposureAge, (row) => row.model)].flatMap(([name, rows]) => [
    {
      name: `${name} accept`,
      points: rows.flatMap((row) => (row.acceptRate === null ? [] : [{ x: row.exposureAgeDays, y: row.acceptRate }])),
    },
    {
      name: `${name} ignore`,
      dashed: true,
      points: rows.flatMap((row) => (row.ignoreRate === null ? [] : [{ x: row.exposureAgeDays, y: row.ignoreRate }])),
    },
  ]);
  const estimate: Series[] = [...group(report.labelFree, (row) => `${row.model} ${row.version}`)].flatMap(
    ([name, rows]) => [
      {
        name: `${name} estimate`,
        points: rows.flatMap((row) =>
          row.estimatedAccuracy === null ? [] : [{ x: Date.parse(row.windowStart), y: row.estimatedAccuracy }],
        ),
      },
      {
        name: `${name} realized`,
        dashed: true,
        points: rows.flatMap((row) =>
          row.realizedAccuracy === null ? [] : [{ x: Date.parse(row.windowStart), y: row.realizedAccuracy }],
        ),
      },
    ],
  );
  const fresh: Series[] = [...group(report.freshness, (row) => `${row.model} ${row.version}`)].flatMap(
    ([name, rows]) => [
      {
        name: `${name} shown new`,
        points: rows.flatMap((row) =>
          row.shownNewShare === null ? [] : [{ x: Date.parse(row.windowStart), y: row.shownNewShare }],
        ),
      },
      {
        name: `${name} accepted new`,
        dashed: true,
        points: rows.flatMap((row) =>
          row.acceptedNewShare === null ? [] : [{ x: Date.parse(row.windowStart), y: row.acceptedNewShare }],
        ),
      },
    ],
  );
  const has = (section: ReportSection) => report.sections.includes(section);
  return [
    lineChart({
      id: "chart-accuracy",
      title: `Accuracy by ${report.window} (top-1, and hit@${report.k} dashed)`,
      series: acc,
      markers: deployMarkers(report),
      xTick: dateTick,
      yTick: pctTick,
      yMax: 1,
    }),
    lineChart({
      id: "chart-model-age",
      title: `Accuracy by model age (sliding, ${report.ageUnit === "hour" ? "hours" : "days"} since training)`,
      series: age,
      xTick: (value) => `${value} ${ageSymbol(report)}`,
      yTick: pctTick,
      yMax: 1,
    }),
    has("calibration") &&
      lineChart({
        id: "chart-label-free",
        title: `Accuracy estimated without labels (CBPE) and realized (dashed), by ${report.window}`,
        series: estimate,
        markers: deployMarkers(report),
        xTick: dateTick,
        yTick: pctTick,
        yMax: 1,
      }),
    has("items") &&
      lineChart({
        id: "chart-freshness",
        title: `Share of shown (and, dashed, accepted) items newer than the model's data cutoff, by ${report.window}`,
        series: fresh,
        markers: deployMarkers(report),
        xTick: dateTick,
        yTick: pctTick,
        yMax: 1,
      }),
    has("feedback") &&
      lineChart({
        id: "chart-exposure-age",
        title: "Accept and ignore (dashed) by days since a user first saw suggestions",
        series: exposure,
        xTick: (value) => `${value} d`,
        yTick: pctTick,
        yMax: 1,
      }),
  ].filter((chart): chart is string => chart !== false);
}

/** A self-contained HTML page: inline SVG charts, tables of the same numbers, and the JSON report. */
export function renderReportHtml(report: Report): string {
  const data = JSON.stringify(report).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>inferlog report</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #ddd;border-radius:6px;background:#fff}
.chart text{font-size:11px;fill:#333}.chart .title{font-size:13px;font-weight:600}.grid{stroke:#eee}
.rule{stroke:#f59e0b;stroke-dasharray:3 3}.rule-label{fill:#b45309}
.marker line{stroke:#6b7280;stroke-dasharray:2 3}.marker text{fill:#4b5563;font-size:10px}
.drift-card{display:flex;flex-direction:column;gap:4px}.bins .ref{fill:#9ca3af}.bins .cur{fill:#2563eb}
.drift-card.flag-major .bins .cur{fill:#b91c1c}.drift-card.flag-moderate .bins .cur{fill:#d97706}
.empty{color:#6b7280;font-style:italic}td.note{text-align:left;color:#92400e}#table-recommendations td{text-align:left;vertical-align:top;max-width:520px}
#table-confounding td:last-child,#table-age-effect td:last-child{text-align:left;max-width:520px}
table{border-collapse:collapse;margin:8px 0 24px}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:right}
th{background:#f6f6f6}tr.flag-major td,td.flag-major{color:#b91c1c;font-weight:600}
tr.flag-moderate td,td.flag-moderate{color:#b45309}
</style></head><body>
<h1>inferlog report</h1>
<p>Store ${esc(report.store)} · ${esc(report.window)} windows · top-${report.k} · now ${esc(report.now)} · generated ${esc(report.generatedAt)}</p>
${sectionsLeftOut(report).length === 0 ? "" : `<p class="empty" id="sections-left-out">Sections not computed (the report's <code>sections</code>): ${esc(sectionsLeftOut(report).join(", "))}</p>`}
<section id="alerts">${alertsTables(report).map(section).join("\n")}</section>
<div class="charts">${charts(report).join("\n")}</div>
${reportTables(report)
  .map((reportTable) =>
    reportTable.id === "drift"
      ? driftSection(report, deployMarkers(report))
      : reportTable.id === "business-by-use"
        ? `${section(reportTable)}\n<div class="charts">${businessUseCharts(report)}</div>`
        : section(reportTable),
  )
  .join("\n")}
<script type="application/json" id="report-data">${data}</script>
</body></html>
`;
}
