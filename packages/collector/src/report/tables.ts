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
}

/** The report's numbers as tables, in reading order: the one place that decides their columns. */
export function reportTables(r: Report): ReportTable[] {
  const hits = Array.from({ length: r.k }, (_, j) => `hit@${j + 1}`);
  return [
    {
      id: "recommendations",
      title: "Retrain recommendation per model (evidence against the thresholds in docs/metrics.md)",
      head: ["model", "version", "recommendation", "evidence", "caveats"],
      rows: r.recommendations.map((x) => [
        x.model,
        x.version,
        x.action,
        x.reasons.join("; ") || "no threshold crossed",
        x.caveats.join("; ") || "–",
      ]),
      empty: "No predictions in the report's range.",
    },
    {
      id: "versions",
      title: "Model versions (first and last prediction: the markers on the time charts)",
      head: ["model", "version", "trained", "first seen", "last seen", "predictions", "of them shadow"],
      rows: r.versions.map((v) => [
        v.model,
        v.version,
        v.trainedAt === null ? "–" : minute(v.trainedAt),
        minute(v.firstSeen),
        minute(v.lastSeen),
        String(v.predictions),
        String(v.shadowPredictions),
      ]),
      empty: "No predictions in the report's range.",
    },
    {
      id: "quality",
      title: `Quality by ${r.window}`,
      head: ["model", "version", r.window, "volume", "labeled", "accuracy", ...hits, "MRR", `NDCG@${r.k}`, "coverage"],
      rows: r.quality.map((q) => [
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
      empty: "No predictions in the report's range.",
    },
    {
      id: "label-free",
      title: `Accuracy before labels arrive by ${r.window}: estimate (mean calibrated top score, CBPE) vs realized; error where ≥ minLabels labels`,
      head: ["model", "version", r.window, "n", "estimate", "realized", "labeled", "coverage", "error"],
      rows: r.labelFree.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        String(x.n),
        ...(x.refused !== null
          ? [`refused: ${x.refused}`]
          : [
              pct(x.estimatedAccuracy),
              pct(x.realizedAccuracy),
              String(x.labeled),
              pct(x.labelCoverage),
              x.error === null ? "–" : `${x.error >= 0 ? "+" : ""}${(x.error * 100).toFixed(1)} pts`,
            ]),
      ]),
      empty: "No predictions with a top `score` in [0, 1].",
    },
    {
      id: "labels",
      title: `Label coverage and orphans by ${r.window} (orphans: outcomes and feedback for prediction ids never seen)`,
      head: [
        "model",
        r.window,
        "due",
        "labeled",
        "coverage",
        "outcomes",
        "orphan",
        "feedback",
        "orphan",
        "orphan share",
      ],
      rows: labelRows(r),
      empty: "No predictions, outcomes or feedback in the report's range.",
    },
    {
      id: "retrain",
      title: `Retrain signal (sliding accuracy by model age, ${r.ageWindow} ${unitName(r)} windows, vs the first)`,
      head: ["model", "version", "first window", "labels", "drops at age", "to"],
      rows: r.retrain.map((x) => [
        x.model,
        x.version,
        pct(x.firstWindowAccuracy),
        String(x.firstWindowLabeled),
        x.dropAge === null ? "not yet" : `${x.dropAge} ${ageSymbol(r)}`,
        pct(x.dropAccuracy),
      ]),
      empty: "No predictions with `model.trainedAt`: model age needs it.",
    },
    ...challengerTables(r),
    {
      id: "exposure-age",
      title: "Feedback by exposure age (days since the user first saw suggestions)",
      head: ["model", "age (d)", "exposed", "accept", "ignore", "reject"],
      rows: r.exposureAge.map((x) => [
        x.model,
        x.exposureAgeBucketDays === 1
          ? String(x.exposureAgeDays)
          : `${x.exposureAgeDays}-${x.exposureAgeDays + x.exposureAgeBucketDays - 1}`,
        String(x.exposed),
        pct(x.acceptRate),
        pct(x.ignoreRate),
        pct(x.rejectRate),
      ]),
      empty: "No exposures with a `subjectKey`: log `ml.exposure` with one to see accept and ignore by exposure age.",
    },
    {
      id: "feedback",
      title: `Feedback by ${r.window}`,
      head: ["model", "version", r.window, "exposed", "accept", "ignore", "reject"],
      rows: r.feedback.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        String(x.exposed),
        pct(x.acceptRate),
        pct(x.ignoreRate),
        pct(x.rejectRate),
      ]),
      empty: "No exposures (`ml.exposure`): accept, ignore and reject rates count exposed predictions.",
    },
    {
      id: "drift",
      title: `Drift against the reference window by ${r.window} (PSI ≥ 0.1 moderate, ≥ 0.25 major)`,
      head: ["model", "feature", "kind", r.window, "n", "PSI", "JS distance", "flag"],
      rows: r.drift.map((x) => [
        x.model,
        x.feature,
        x.kind,
        day(x.windowStart),
        String(x.n),
        dec(x.psi),
        dec(x.js),
        x.flag,
      ]),
      empty: "No features logged, or no reference window with predictions.",
    },
    {
      id: "business",
      title: `Business metrics by ${r.window}`,
      head: ["model", "version", r.window, "metric", "n", "mean", "sum"],
      rows: r.business.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        x.metric,
        String(x.n),
        dec(x.mean, 1),
        dec(x.sum, 0),
      ]),
      empty: "No outcomes with `metrics` (for example handleTimeSavedSec).",
    },
    {
      id: "business-by-use",
      title: `Business metrics by how the suggestions were used, whole report (Δ: mean − "no suggestion used", Welch 95 % interval)`,
      head: ["model", "version", "metric", "use", "n", "mean", "sd", "Δ", "95 % interval"],
      rows: r.businessByUse.filter((x) => x.windowStart === null).map((x) => useRow(x, [])),
      empty:
        "No outcomes with `metrics` on exposed predictions: log `ml.exposure`, feedback with `position`, and outcome metrics.",
    },
    {
      id: "business-by-use-window",
      title: `Business metrics by how the suggestions were used, by ${r.window}`,
      head: ["model", "version", "metric", r.window, "use", "n", "mean", "sd", "Δ", "95 % interval"],
      rows: r.businessByUse.flatMap((x) => (x.windowStart === null ? [] : [useRow(x, [day(x.windowStart)])])),
      empty: "No outcomes with `metrics` on exposed predictions.",
    },
    {
      id: "label-latency",
      title: "Labels: latency (first outcome − prediction)",
      head: ["model", "version", "labeled", "p50", "p90", "p99"],
      rows: r.labelLatency.map((x) => [
        x.model,
        x.version,
        String(x.n),
        secs(x.p50Seconds),
        secs(x.p90Seconds),
        secs(x.p99Seconds),
      ]),
      empty: "No outcomes yet.",
    },
    {
      id: "item-age",
      title: `Item age of shown candidates by ${r.window}`,
      head: ["model", "version", r.window, "n", "mean", "p50", "p90"],
      rows: r.itemAge.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        String(x.n),
        secs(x.meanSeconds),
        secs(x.p50Seconds),
        secs(x.p90Seconds),
      ]),
      empty: "No shown candidates with `itemAgeSeconds`.",
    },
    {
      id: "freshness",
      title: `Content freshness by ${r.window}: shown and accepted items first seen after the version's data cutoff`,
      head: ["model", "version", r.window, "cutoff", "shown", "new", "accepted", "new", "accept new", "accept older"],
      rows: r.freshness.map((x) => [
        x.model,
        x.version,
        day(x.windowStart),
        `${minute(x.cutoff)}${x.cutoffSource === "trainedAt" ? " (trained)" : ""}`,
        String(x.shown),
        pct(x.shownNewShare),
        String(x.accepted),
        pct(x.acceptedNewShare),
        pct(x.acceptRateNew),
        pct(x.acceptRateOld),
      ]),
      empty: "No shown candidates of a version with `model.dataCutoff` or `model.trainedAt`.",
    },
    {
      id: "new-items",
      title: `New items by ${r.window} (candidate ids suggested for the first time: catalogue turnover)`,
      head: ["model", r.window, "new items"],
      rows: r.newItems.map((x) => [x.model, day(x.windowStart), String(x.newItems)]),
      empty: "No candidates in the report's range.",
    },
    {
      id: "calibration",
      title: "Calibration of the top score",
      head: ["model", "version", "n", "ECE"],
      rows: r.calibration.map((x) => [x.model, x.version, String(x.n), dec(x.ece)]),
      empty: "No labeled predictions with a top `score` in [0, 1].",
    },
  ];
}

/** A business-by-use row; `at` is inserted after the metric (the window, in the per-window table). */
function useRow(x: BusinessUseRow, at: string[]): string[] {
  return [
    x.model,
    x.version,
    x.metric,
    ...at,
    x.use,
    String(x.n),
    dec(x.mean, 1),
    x.sd === null ? "–" : dec(x.sd, 1),
    x.differenceToNoSuggestion === null ? "–" : signed(x.differenceToNoSuggestion),
    x.ciLow === null || x.ciHigh === null ? "–" : `[${signed(x.ciLow)}, ${signed(x.ciHigh)}]`,
  ];
}
const signed = (v: number): string => `${v > 0 ? "+" : ""}${v.toFixed(1)}`;

/** "h" or "d": the unit of model age (hours in hourly reports). */
export const ageSymbol = (r: Report): string => (r.ageUnit === "hour" ? "h" : "d");
const unitName = (r: Report): string => (r.ageUnit === "hour" ? "hour" : "day");

/** Coverage per model and window (summed over versions) beside the orphans of the same window. */
function labelRows(r: Report): string[][] {
  const rows = new Map<string, { model: string; w: string; due: number; labeled: number; orphans?: OrphanRow }>();
  const at = (model: string, w: string) => {
    const key = `${model}\u0000${w}`;
    const row = rows.get(key) ?? { model, w, due: 0, labeled: 0 };
    rows.set(key, row);
    return row;
  };
  for (const q of r.quality) {
    const row = at(q.model, q.windowStart);
    row.due += q.due;
    row.labeled += q.dueLabeled;
  }
  for (const o of r.orphans) at(o.model, o.windowStart).orphans = o;
  return [...rows.values()]
    .sort((a, b) => (a.model === b.model ? a.w.localeCompare(b.w) : a.model < b.model ? -1 : 1))
    .map((x) => [
      x.model,
      day(x.w),
      String(x.due),
      String(x.labeled),
      pct(x.due === 0 ? null : x.labeled / x.due),
      String(x.orphans?.outcomes ?? 0),
      String(x.orphans?.orphanOutcomes ?? 0),
      String(x.orphans?.feedback ?? 0),
      String(x.orphans?.orphanFeedback ?? 0),
      pct(x.orphans?.orphanShare ?? null),
    ]);
}
