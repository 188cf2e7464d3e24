import type { Report } from "../metrics/types.js";
import { alertsTables } from "./alerts-table.js";
import { featuresByDrift, largestShift, MOST_DRIFTED } from "./drift-view.js";
import { day, dec } from "./format.js";
import { reportTables } from "./tables.js";

function table(title: string, head: string[], rows: string[][], empty = "(no data)"): string {
  if (rows.length === 0) return `${title}\n  ${empty}\n`;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padStart(widths[i] as number)).join("  ")}`;
  return [title, line(head), `  ${widths.map((w) => "-".repeat(w)).join("  ")}`, ...rows.map(line), ""].join("\n");
}

/** Drift as one line per feature and a PSI column per window: `!` moderate (≥ 0.1), `!!` major (≥ 0.25). */
function driftTable(r: Report, empty: string): string {
  const windows = [...new Set(r.drift.map((x) => x.windowStart))].sort();
  const rows = new Map<string, string[]>();
  for (const x of r.drift) {
    const key = `${x.model}\u0000${x.feature}`;
    const row = rows.get(key) ?? [x.model, x.feature, x.kind, ...windows.map(() => "")];
    row[3 + windows.indexOf(x.windowStart)] =
      `${dec(x.psi)}${x.flag === "major" ? "!!" : x.flag === "moderate" ? "! " : "  "}`;
    rows.set(key, row);
  }
  return table(
    `Drift: PSI against the reference window by ${r.window} (! ≥ 0.1 moderate, !! ≥ 0.25 major)`,
    ["model", "feature", "kind", ...windows.map((w) => day(w).slice(5))],
    [...rows.values()],
    empty,
  );
}

/** Which way the most drifted features moved: the bin whose share changed most in their worst window. */
function driftDirection(r: Report): string {
  const drifted = featuresByDrift(r)
    .filter((f) => f.worst.flag !== "none")
    .slice(0, MOST_DRIFTED);
  return table(
    `Drift direction: the ${MOST_DRIFTED} most drifted features (moderate or major), their largest shift`,
    ["model", "feature", r.window, "PSI", "bin: reference → that window"],
    drifted.map((f) => [f.model, f.feature, day(f.worst.windowStart), dec(f.worst.psi), largestShift(f.worst)]),
    "No feature reached PSI 0.1.",
  );
}

/** The report as plain-text tables for a terminal; drift pivoted to one line per feature. */
export function renderReportText(r: Report): string {
  const out = [`inferlog report (${r.store}, ${r.window} windows, now ${r.now})\n`];
  for (const t of alertsTables(r)) out.push(t.rows.length === 0 ? `${t.title}\n` : table(t.title, t.head, t.rows));
  for (const t of reportTables(r)) {
    if (t.id !== "drift") out.push(table(t.title, t.head, t.rows, t.empty));
    else out.push(driftTable(r, t.empty), driftDirection(r));
  }
  return out.join("\n");
}
