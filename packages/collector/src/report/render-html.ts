import type { Report } from "../metrics/types.js";
import { alertsTables } from "./alerts-table.js";
import { businessUseCharts } from "./business-use-html.js";
import { driftSection } from "./drift-html.js";
import { day } from "./format.js";
import { esc, lineChart, type Series } from "./svg-chart.js";
import { ageSymbol, type ReportTable, reportTables } from "./tables.js";

const group = <T>(rows: T[], key: (r: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
};
const dateTick = (x: number) => day(new Date(x).toISOString()).slice(5);
const pctTick = (y: number) => `${(y * 100).toFixed(0)}%`;

function table(id: string, head: string[], rows: string[][]): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => {
      // A short row (a refusal) lets its last cell span the columns it does not fill, as a note.
      const span = head.length - r.length + 1;
      const cells = r.map((c, i) =>
        i === r.length - 1 && span > 1 ? `<td class="note" colspan="${span}">${esc(c)}</td>` : `<td>${esc(c)}</td>`,
      );
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("")}</tbody></table>`;
}

/** A report table, or the note saying why it is empty. */
function section(t: ReportTable): string {
  const body =
    t.rows.length === 0
      ? `<p class="empty" id="table-${esc(t.id)}">${esc(t.empty)}</p>`
      : table(`table-${t.id}`, t.head, t.rows);
  return `<h2>${esc(t.title)}</h2>\n${body}`;
}

/** Each version's deploy time (`deployedAt`, else its first prediction), drawn as a vertical line on the time charts. */
export function deployMarkers(r: Report): { model: string; x: number; label: string }[] {
  return r.versions.map((v) => ({
    model: v.model,
    x: Date.parse(v.deployedAt ?? v.firstSeen),
    label: `${v.model} ${v.version}`,
  }));
}

function charts(r: Report): string[] {
  const acc: Series[] = [];
  for (const [name, rows] of group(r.quality, (q) => `${q.model} ${q.version}`)) {
    acc.push({
      name: `${name} top-1`,
      points: rows.flatMap((q) => (q.accuracy === null ? [] : [{ x: Date.parse(q.windowStart), y: q.accuracy }])),
    });
    acc.push({
      name: `${name} hit@${r.k}`,
      dashed: true,
      points: rows.flatMap((q) => {
        const h = q.hitAt[r.k - 1];
        return h === null || h === undefined ? [] : [{ x: Date.parse(q.windowStart), y: h }];
      }),
    });
  }
  const age: Series[] = [...group(r.modelAge, (a) => `${a.model} ${a.version}`)].map(([name, rows]) => ({
    name,
    points: rows.flatMap((a) => (a.slidingAccuracy === null ? [] : [{ x: a.age, y: a.slidingAccuracy }])),
  }));
  const exposure: Series[] = [...group(r.exposureAge, (e) => e.model)].flatMap(([name, rows]) => [
    {
      name: `${name} accept`,
      points: rows.flatMap((e) => (e.acceptRate === null ? [] : [{ x: e.exposureAgeDays, y: e.acceptRate }])),
    },
    {
      name: `${name} ignore`,
      dashed: true,
      points: rows.flatMap((e) => (e.ignoreRate === null ? [] : [{ x: e.exposureAgeDays, y: e.ignoreRate }])),
    },
  ]);
  const estimate: Series[] = [...group(r.labelFree, (x) => `${x.model} ${x.version}`)].flatMap(([name, rows]) => [
    {
      name: `${name} estimate`,
      points: rows.flatMap((x) =>
        x.estimatedAccuracy === null ? [] : [{ x: Date.parse(x.windowStart), y: x.estimatedAccuracy }],
      ),
    },
    {
      name: `${name} realized`,
      dashed: true,
      points: rows.flatMap((x) =>
        x.realizedAccuracy === null ? [] : [{ x: Date.parse(x.windowStart), y: x.realizedAccuracy }],
      ),
    },
  ]);
  const fresh: Series[] = [...group(r.freshness, (x) => `${x.model} ${x.version}`)].flatMap(([name, rows]) => [
    {
      name: `${name} shown new`,
      points: rows.flatMap((x) =>
        x.shownNewShare === null ? [] : [{ x: Date.parse(x.windowStart), y: x.shownNewShare }],
      ),
    },
    {
      name: `${name} accepted new`,
      dashed: true,
      points: rows.flatMap((x) =>
        x.acceptedNewShare === null ? [] : [{ x: Date.parse(x.windowStart), y: x.acceptedNewShare }],
      ),
    },
  ]);
  return [
    lineChart({
      id: "chart-accuracy",
      title: `Accuracy by ${r.window} (top-1, and hit@${r.k} dashed)`,
      series: acc,
      markers: deployMarkers(r),
      xTick: dateTick,
      yTick: pctTick,
      yMax: 1,
    }),
    lineChart({
      id: "chart-model-age",
      title: `Accuracy by model age (sliding, ${r.ageUnit === "hour" ? "hours" : "days"} since training)`,
      series: age,
      xTick: (x) => `${x} ${ageSymbol(r)}`,
      yTick: pctTick,
      yMax: 1,
    }),
    lineChart({
      id: "chart-label-free",
      title: `Accuracy estimated without labels (CBPE) and realized (dashed), by ${r.window}`,
      series: estimate,
      markers: deployMarkers(r),
      xTick: dateTick,
      yTick: pctTick,
      yMax: 1,
    }),
    lineChart({
      id: "chart-freshness",
      title: `Share of shown (and, dashed, accepted) items newer than the model's data cutoff, by ${r.window}`,
      series: fresh,
      markers: deployMarkers(r),
      xTick: dateTick,
      yTick: pctTick,
      yMax: 1,
    }),
    lineChart({
      id: "chart-exposure-age",
      title: "Accept and ignore (dashed) by days since a user first saw suggestions",
      series: exposure,
      xTick: (x) => `${x} d`,
      yTick: pctTick,
      yMax: 1,
    }),
  ];
}

/** A self-contained HTML page: inline SVG charts, tables of the same numbers, and the JSON report. */
export function renderReportHtml(r: Report): string {
  const data = JSON.stringify(r).replace(/</g, "\\u003c");
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
<p>Store ${esc(r.store)} · ${esc(r.window)} windows · top-${r.k} · now ${esc(r.now)} · generated ${esc(r.generatedAt)}</p>
<section id="alerts">${alertsTables(r).map(section).join("\n")}</section>
<div class="charts">${charts(r).join("\n")}</div>
${reportTables(r)
  .map((t) =>
    t.id === "drift"
      ? driftSection(r, deployMarkers(r))
      : t.id === "business-by-use"
        ? `${section(t)}\n<div class="charts">${businessUseCharts(r)}</div>`
        : section(t),
  )
  .join("\n")}
<script type="application/json" id="report-data">${data}</script>
</body></html>
`;
}
