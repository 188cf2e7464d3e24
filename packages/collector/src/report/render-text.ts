import type { Report } from "../metrics/types.js";
import { alertsTables } from "./alerts-table.js";
import { featuresByDrift, largestShift, MOST_DRIFTED } from "./drift-view.js";
import { day, dec, terminalText } from "./format.js";
import { reportTables, sectionsLeftOut } from "./tables.js";

function table(title: string, head: string[], cellRows: string[][], empty = "(no data)"): string {
  if (cellRows.length === 0) return `${title}\n  ${empty}\n`;
  const rows = cellRows.map((row) => row.map(terminalText));
  const widths = head.map((hex, index) => Math.max(hex.length, ...rows.map((row) => (row[index] ?? "").length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, index) => cell.padStart(widths[index] as number)).join("  ")}`;
  return [title, line(head), `  ${widths.map((width) => "-".repeat(width)).join("  ")}`, ...rows.map(line), ""].join(
    "\n",
  );
}

/** Drift as one line per feature and a PSI column per window: `!` moderate (≥ 0.1), `!!` major (≥ 0.25). */
function driftTable(report: Report, empty: string): string {
  const windows = [...new Set(report.drift.map((row) => row.windowStart))].sort();
  const rows = new Map<string, string[]>();
  for (const driftRow of report.drift) {
    const key = `${driftRow.model}\u0000${driftRow.feature}`;
    const row = rows.get(key) ?? [driftRow.model, driftRow.feature, driftRow.kind, ...windows.map(() => "")];
    row[3 + windows.indexOf(driftRow.windowStart)] =
      `${dec(driftRow.psi)}${driftRow.flag === "major" ? "!!" : driftRow.flag === "moderate" ? "! " : "  "}`;
    rows.set(key, row);
  }
  return table(
    `Drift: PSI against the reference window by ${report.window} (! ≥ 0.1 moderate, !! ≥ 0.25 major)`,
    ["model", "feature", "kind", ...windows.map((window) => day(window).slice(5))],
    [...rows.values()],
    empty,
  );
}

/** Which way the most drifted features moved: the bin whose share changed most in their worst window. */
function driftDirection(report: Report): string {
  const drifted = featuresByDrift(report)
    .filter((featureDrift) => featureDrift.worst.flag !== "none")
    .slice(0, MOST_DRIFTED);
  return table(
    `Drift direction: the ${MOST_DRIFTED} most drifted features (moderate or major), their largest shift`,
    ["model", "feature", report.window, "PSI", "bin: reference → that window"],
    drifted.map((featureDrift) => [
      featureDrift.model,
      featureDrift.feature,
      day(featureDrift.worst.windowStart),
      dec(featureDrift.worst.psi),
      largestShift(featureDrift.worst),
    ]),
    "No feature reached PSI 0.1.",
  );
}

/** The report as plain-text tables for a terminal; drift pivoted to one line per feature. */
export function renderReportText(report: Report): string {
  const out = [`inferlog report (${report.store}, ${report.window} windows, now ${report.now})\n`];
  const leftOut = sectionsLeftOut(report);
  if (leftOut.length > 0) out.push(`Sections not computed (the report's \`sections\`): ${leftOut.join(", ")}\n`);
  for (const reportTable of alertsTables(report))
    out.push(
      reportTable.rows.length === 0
        ? `${reportTable.title}\n`
        : table(reportTable.title, reportTable.head, reportTable.rows),
    );
  for (const reportTable of reportTables(report)) {
    if (reportTable.id !== "drift")
      out.push(table(reportTable.title, reportTable.head, reportTable.rows, reportTable.empty));
    else out.push(driftTable(report, reportTable.empty), driftDirection(report));
  }
  return out.join("\n");
}
