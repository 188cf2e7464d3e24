import type { Report } from "../metrics/types.js";
import { day, dec, pct, secs } from "./format.js";

function table(title: string, head: string[], rows: string[][]): string {
  if (rows.length === 0) return `${title}\n  (no data)\n`;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padStart(widths[i] as number)).join("  ")}`;
  return [title, line(head), `  ${widths.map((w) => "-".repeat(w)).join("  ")}`, ...rows.map(line), ""].join("\n");
}

/** Drift as one line per feature and a PSI column per window: `!` moderate (≥ 0.1), `!!` major (≥ 0.25). */
function driftTable(r: Report): string {
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
  );
}

/** The report as plain-text tables for a terminal. */
export function renderText(r: Report): string {
  const hits = Array.from({ length: r.k }, (_, j) => `hit@${j + 1}`);
  const out = [
    `inferlog report (${r.store}, ${r.window} windows, now ${r.now})\n`,
    table(
      `Quality by ${r.window}`,
      ["model", "version", r.window, "volume", "labeled", "accuracy", ...hits, "MRR", `NDCG@${r.k}`, "coverage"],
      r.quality.map((q) => [
        q.model,
        q.version,
        day(q.windowStart),
        String(q.volume),
        String(q.labeled),
        pct(q.accuracy),
        ...q.hitAt.map(pct),
        dec(q.mrr),
        dec(q.ndcg),
        pct(q.labelCoverage),
      ]),
    ),
    table(
      "Retrain signal (sliding accuracy by model age vs the first week)",
      ["model", "version", "first week", "labels", "drops at age", "to"],
      r.retrain.map((x) => [
        x.model,
        x.version,
        pct(x.firstWeekAccuracy),
        String(x.firstWeekLabeled),
        x.dropAgeDays === null ? "not yet" : `${x.dropAgeDays} d`,
        pct(x.dropAccuracy),
      ]),
    ),
    table(
      "Feedback by exposure age (days since the user first saw suggestions)",
      ["model", "age (d)", "exposed", "accept", "ignore", "reject"],
      r.exposureAge.map((x) => [
        x.model,
        x.exposureAgeBucketDays === 1
          ? String(x.exposureAgeDays)
          : `${x.exposureAgeDays}-${x.exposureAgeDays + x.exposureAgeBucketDays - 1}`,
        String(x.exposed),
        pct(x.acceptRate),
        pct(x.ignoreRate),
        pct(x.rejectRate),
      ]),
    ),
    table(
      `Feedback by ${r.window}`,
      ["model", "version", r.window, "exposed", "accept", "ignore", "reject"],
      r.feedback.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        String(x.exposed),
        pct(x.acceptRate),
        pct(x.ignoreRate),
        pct(x.rejectRate),
      ]),
    ),
    driftTable(r),
    table(
      `Business metrics by ${r.window}`,
      ["model", "version", r.window, "metric", "n", "mean", "sum"],
      r.business.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        x.metric,
        String(x.n),
        dec(x.mean, 1),
        dec(x.sum, 0),
      ]),
    ),
    table(
      "Labels: latency (first outcome − prediction)",
      ["model", "version", "labeled", "p50", "p90", "p99"],
      r.labelLatency.map((x) => [
        x.model,
        x.version,
        String(x.n),
        secs(x.p50Seconds),
        secs(x.p90Seconds),
        secs(x.p99Seconds),
      ]),
    ),
    table(
      `Item age of shown candidates by ${r.window}`,
      ["model", "version", r.window, "n", "mean", "p50", "p90"],
      r.itemAge.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        String(x.n),
        secs(x.meanSeconds),
        secs(x.p50Seconds),
        secs(x.p90Seconds),
      ]),
    ),
    table(
      "Calibration of the top score",
      ["model", "version", "n", "ECE"],
      r.calibration.map((x) => [x.model, x.version, String(x.n), dec(x.ece)]),
    ),
  ];
  return out.join("\n");
}
