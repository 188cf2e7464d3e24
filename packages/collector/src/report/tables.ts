import { ALL_SECTIONS, type ReportSection } from "../metrics/sections.js";
import type { BusinessUseRow, OrphanRow, Report } from "../metrics/types.js";
import { challengerTables } from "./challenger-tables.js";
import { day, dec, minute, pct, secs } from "./format.js";

/** One table of the report; the terminal and the HTML report render the same list. */
export interface ReportTable {
  /** Stable id (the HTML element id is `table-<id>`). */
  id: string;
  title: string;
  head: string[];
  rows: string[][];
  /** What an empty table means and what would fill it (shown instead of the table). */
  empty: string;
  /** The report section (sections.ts) whose numbers it shows; none: always computed. */
  section?: ReportSection;
}

/** The sections the report left out (`ReportOptions.sections`), for a line above its tables; none in a full report. */
export const sectionsLeftOut = (report: Report): ReportSection[] =>
  ALL_SECTIONS.filter((section) => !report.sections.includes(section));

/**
 * The report's numbers as tables, in reading order: the one place that decides their columns. The tables of a
 * section the report left out are not listed (they would read as "no data").
 */
export function reportTables(report: Report): ReportTable[] {
  return allTables(report).filter((table) => table.section === undefined || report.sections.includes(table.section));
}

function allTables(report: Report): ReportTable[] {
  const hits = Array.from({ length: report.k }, (_, inner) => `hit@${inner + 1}`);
  return [
    {
      id: "recommendations",
      section: "recommendations",
      title: "Retrain recommendation per model (evidence against the thresholds in docs/metrics.md)",
      head: ["model", "version", "recommendation", "evidence", "caveats"],
      rows: report.recommendations.map((recommendation) => [
        recommendation.model,
        recommendation.version,
        recommendation.action,
        recommendation.reasons.join("; ") || "no threshold crossed",
        recommendation.caveats.join("; ") || "–",
      ]),
      empty: "No predictions in the report's range.",
    },
    {
      id: "versions",
      title: "Model versions (first and last prediction: the markers on the time charts)",
      head: ["model", "version", "trained", "first seen", "last seen", "predictions", "of them shadow"],
      rows: report.versions.map((row) => [
        row.model,
        row.version,
        row.trainedAt === null ? "–" : minute(row.trainedAt),
        minute(row.firstSeen),
        minute(row.lastSeen),
        String(row.predictions),
        String(row.shadowPredictions),
      ]),
      empty: "No predictions in the report's range.",
    },
    {
      id: "quality",
      title: `Quality by ${report.window}`,
      head: [
        "model",
        "version",
        report.window,
        "volume",
        "labeled",
        "accuracy",
        ...hits,
        "MRR",
        `NDCG@${report.k}`,
        "coverage",
      ],
      rows: report.quality.map((row) => [
        row.model,
        row.version,
        day(row.windowStart),
        String(row.volume),
        String(row.labeled),
        pct(row.accuracy),
        ...row.hitAt.map(pct),
        dec(row.mrr),
        dec(row.ndcg),
        pct(row.labelCoverage),
      ]),
      empty: "No predictions in the report's range.",
    },
    {
      id: "label-free",
      section: "calibration",
      title: `Accuracy before labels arrive by ${report.window}: estimate (mean calibrated top score, CBPE) vs realized; error where ≥ minLabels labels`,
      head: ["model", "version", report.window, "n", "estimate", "realized", "labeled", "coverage", "error"],
      rows: report.labelFree.map((row) => [
        row.model,
        row.version,
        day(row.windowStart),
        String(row.n),
        ...(row.refused !== null
          ? [`refused: ${row.refused}`]
          : [
              pct(row.estimatedAccuracy),
              pct(row.realizedAccuracy),
              String(row.labeled),
              pct(row.labelCoverage),
              row.error === null ? "–" : `${row.error >= 0 ? "+" : ""}${(row.error * 100).toFixed(1)} pts`,
            ]),
      ]),
      empty: "No predictions with a top `score` in [0, 1].",
    },
    {
      id: "labels",
      title: `Label coverage and orphans by ${report.window} (orphans: outcomes and feedback for prediction ids never seen)`,
      head: [
        "model",
        report.window,
        "due",
        "labeled",
        "coverage",
        "outcomes",
        "orphan",
        "feedback",
        "orphan",
        "orphan share",
      ],
      rows: labelRows(report),
      empty: "No predictions, outcomes or feedback in the report's range.",
    },
    {
      id: "retrain",
      title: `Retrain signal (sliding accuracy by model age, ${report.ageWindow} ${unitName(report)} windows, vs the first)`,
      head: ["model", "version", "first window", "labels", "drops at age", "to"],
      rows: report.retrain.map((retrainSignal) => [
        retrainSignal.model,
        retrainSignal.version,
        pct(retrainSignal.firstWindowAccuracy),
        String(retrainSignal.firstWindowLabeled),
        retrainSignal.dropAge === null ? "not yet" : `${retrainSignal.dropAge} ${ageSymbol(report)}`,
        pct(retrainSignal.dropAccuracy),
      ]),
      empty: "No predictions with `model.trainedAt`: model age needs it.",
    },
    ...challengerTables(report),
    {
      id: "exposure-age",
      section: "feedback",
      title: "Feedback by exposure age (days since the user first saw suggestions)",
      head: ["model", "age (d)", "exposed", "accept", "ignore", "reject"],
      rows: report.exposureAge.map((row) => [
        row.model,
        row.exposureAgeBucketDays === 1
          ? String(row.exposureAgeDays)
          : `${row.exposureAgeDays}-${row.exposureAgeDays + row.exposureAgeBucketDays - 1}`,
        String(row.exposed),
        pct(row.acceptRate),
        pct(row.ignoreRate),
        pct(row.rejectRate),
      ]),
      empty: "No exposures with a `subjectKey`: log `ml.exposure` with one to see accept and ignore by exposure age.",
    },
    {
      id: "feedback",
      section: "feedback",
      title: `Feedback by ${report.window}`,
      head: ["model", "version", report.window, "exposed", "accept", "ignore", "reject"],
      rows: report.feedback.map((row) => [
        row.model,
        row.version,
        day(row.windowStart),
        String(row.exposed),
        pct(row.acceptRate),
        pct(row.ignoreRate),
        pct(row.rejectRate),
      ]),
      empty: "No exposures (`ml.exposure`): accept, ignore and reject rates count exposed predictions.",
    },
    {
      id: "drift",
      section: "drift",
      title: `Drift against the reference window by ${report.window} (PSI ≥ 0.1 moderate, ≥ 0.25 major)`,
      head: ["model", "feature", "kind", report.window, "n", "PSI", "JS distance", "flag"],
      rows: report.drift.map((row) => [
        row.model,
        row.feature,
        row.kind,
        day(row.windowStart),
        String(row.n),
        dec(row.psi),
        dec(row.js),
        row.flag,
      ]),
      empty: "No features logged, or no reference window with predictions.",
    },
    {
      id: "business",
      section: "business",
      title: `Business metrics by ${report.window}`,
      head: ["model", "version", report.window, "metric", "n", "mean", "sum"],
      rows: report.business.map((row) => [
        row.model,
        row.version,
        day(row.windowStart),
        row.metric,
        String(row.n),
        dec(row.mean, 1),
        dec(row.sum, 0),
      ]),
      empty: "No outcomes with `metrics` (for example handleTimeSavedSec).",
    },
    {
      id: "business-by-use",
      section: "business",
      title: `Business metrics by how the suggestions were used, whole report (Δ: mean − "no suggestion used", Welch 95 % interval)`,
      head: ["model", "version", "metric", "use", "n", "mean", "sd", "Δ", "95 % interval"],
      rows: report.businessByUse.filter((row) => row.windowStart === null).map((row) => useRow(row, [])),
      empty:
        "No outcomes with `metrics` on exposed predictions: log `ml.exposure`, feedback with `position`, and outcome metrics.",
    },
    {
      id: "business-by-use-window",
      section: "business",
      title: `Business metrics by how the suggestions were used, by ${report.window}`,
      head: ["model", "version", "metric", report.window, "use", "n", "mean", "sd", "Δ", "95 % interval"],
      rows: report.businessByUse.flatMap((row) =>
        row.windowStart === null ? [] : [useRow(row, [day(row.windowStart)])],
      ),
      empty: "No outcomes with `metrics` on exposed predictions.",
    },
    {
      id: "label-latency",
      title: "Labels: latency (first outcome − prediction)",
      head: ["model", "version", "labeled", "p50", "p90", "p99"],
      rows: report.labelLatency.map((row) => [
        row.model,
        row.version,
        String(row.n),
        secs(row.p50Seconds),
        secs(row.p90Seconds),
        secs(row.p99Seconds),
      ]),
      empty: "No outcomes yet.",
    },
    {
      id: "item-age",
      section: "items",
      title: `Item age of shown candidates by ${report.window}`,
      head: ["model", "version", report.window, "n", "mean", "p50", "p90"],
      rows: report.itemAge.map((row) => [
        row.model,
        row.version,
        day(row.windowStart),
        String(row.n),
        secs(row.meanSeconds),
        secs(row.p50Seconds),
        secs(row.p90Seconds),
      ]),
      empty: "No shown candidates with `itemAgeSeconds`.",
    },
    {
      id: "freshness",
      section: "items",
      title: `Content freshness by ${report.window}: shown and accepted items first seen after the version's data cutoff`,
      head: [
        "model",
        "version",
        report.window,
        "cutoff",
        "shown",
        "new",
        "accepted",
        "new",
        "accept new",
        "accept older",
      ],
      rows: report.freshness.map((row) => [
        row.model,
        row.version,
        day(row.windowStart),
        `${minute(row.cutoff)}${row.cutoffSource === "trainedAt" ? " (trained)" : ""}`,
        String(row.shown),
        pct(row.shownNewShare),
        String(row.accepted),
        pct(row.acceptedNewShare),
        pct(row.acceptRateNew),
        pct(row.acceptRateOld),
      ]),
      empty: "No shown candidates of a version with `model.dataCutoff` or `model.trainedAt`.",
    },
    {
      id: "new-items",
      section: "items",
      title: `New items by ${report.window} (candidate ids suggested for the first time: catalogue turnover)`,
      head: ["model", report.window, "new items"],
      rows: report.newItems.map((newItem) => [newItem.model, day(newItem.windowStart), String(newItem.newItems)]),
      empty: "No candidates in the report's range.",
    },
    {
      id: "calibration",
      section: "calibration",
      title: "Calibration of the top score",
      head: ["model", "version", "n", "ECE"],
      rows: report.calibration.map((row) => [row.model, row.version, String(row.n), dec(row.ece)]),
      empty: "No labeled predictions with a top `score` in [0, 1].",
    },
  ];
}

/** A business-by-use row; `at` is inserted after the metric (the window, in the per-window table). */
function useRow(row: BusinessUseRow, at: string[]): string[] {
  return [
    row.model,
    row.version,
    row.metric,
    ...at,
    row.use,
    String(row.n),
    dec(row.mean, 1),
    row.sd === null ? "–" : dec(row.sd, 1),
    row.differenceToNoSuggestion === null ? "–" : signed(row.differenceToNoSuggestion),
    row.ciLow === null || row.ciHigh === null ? "–" : `[${signed(row.ciLow)}, ${signed(row.ciHigh)}]`,
  ];
}
const signed = (value: number): string => `${value > 0 ? "+" : ""}${value.toFixed(1)}`;

/** "h" or "d": the unit of model age (hours in hourly reports). */
export const ageSymbol = (report: Report): string => (report.ageUnit === "hour" ? "h" : "d");
const unitName = (report: Report): string => (report.ageUnit === "hour" ? "hour" : "day");

/** Coverage per model and window (summed over versions) beside the orphans of the same window. */
function labelRows(report: Report): string[][] {
  const rows = new Map<string, { model: string; w: string; due: number; labeled: number; orphans?: OrphanRow }>();
  const at = (model: string, text: string) => {
    const key = `${model}\u0000${text}`;
    const row = rows.get(key) ?? { model, w: text, due: 0, labeled: 0 };
    rows.set(key, row);
    return row;
  };
  for (const qualityRow of report.quality) {
    const row = at(qualityRow.model, qualityRow.windowStart);
    row.due += qualityRow.due;
    row.labeled += qualityRow.dueLabeled;
  }
  for (const row of report.orphans) at(row.model, row.windowStart).orphans = row;
  const orphansCounted = report.sections.includes("orphans");
  return [...rows.values()]
    .sort((left, right) =>
      left.model === right.model ? left.w.localeCompare(right.w) : left.model < right.model ? -1 : 1,
    )
    .map((item) => [
      item.model,
      day(item.w),
      String(item.due),
      String(item.labeled),
      pct(item.due === 0 ? null : item.labeled / item.due),
      // Left out of the report (`sections`): no counts, rather than counts of 0.
      ...(orphansCounted ? orphanCells(item.orphans) : orphanCells(undefined).map(() => "–")),
    ]);
}

/** The label table's orphan columns for one model and window (zeros where none were counted). */
const orphanCells = (orphans: OrphanRow | undefined): string[] => [
  String(orphans?.outcomes ?? 0),
  String(orphans?.orphanOutcomes ?? 0),
  String(orphans?.feedback ?? 0),
  String(orphans?.orphanFeedback ?? 0),
  pct(orphans?.orphanShare ?? null),
];
