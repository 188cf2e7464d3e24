import type { AlertsView } from "../monitors/alerts-view.js";
import type { AgeEffectRow, ConfoundingRow, SameWindowRow } from "./challenger-types.js";
import type { ReportSection } from "./sections.js";

export type { AgeEffectRow, ConfoundingRow, SameWindowRow, VersionRole } from "./challenger-types.js";

/** The JSON report's rows. Rates are null when their denominator is 0. Times are RFC 3339. */
export interface QualityRow {
  model: string;
  version: string;
  windowStart: string;
  /** Predictions in the window. */
  volume: number;
  /** Volume weighted by 1 / samplerate: the traffic the sample stands for. */
  estimatedVolume: number;
  /** Predictions with a label (outcome label or relevantIds). */
  labeled: number;
  /** hitAt[j - 1] = hit@j for j = 1..k, over labeled predictions with a ranked list. */
  hitAt: (number | null)[];
  mrr: number | null;
  ndcg: number | null;
  /** Top-1 accuracy: predicted label = outcome label. */
  accuracy: number | null;
  /** Mean absolute error (regression predictions). */
  mae: number | null;
  /** Predictions whose outcome TTL has passed by `now`, and how many of them have an outcome. */
  due: number;
  dueLabeled: number;
  labelCoverage: number | null;
}
/**
 * Outcomes and feedback whose prediction id was never seen, per model and window (of the prediction's
 * time when the event carries it, else of its own time).
 */
export interface OrphanRow {
  model: string;
  windowStart: string;
  outcomes: number;
  orphanOutcomes: number;
  feedback: number;
  orphanFeedback: number;
  /** (orphan outcomes + orphan feedback) / (outcomes + feedback). */
  orphanShare: number | null;
}
export interface CalibrationRow {
  model: string;
  version: string;
  n: number;
  /** Expected calibration error over 10 equal-width bins of the top score. */
  ece: number | null;
  bins: { bin: number; n: number; meanScore: number; accuracy: number }[];
}
export interface ModelAgeRow {
  model: string;
  version: string;
  /** Whole `Report.ageUnit`s (hours in hourly reports, else days) since `model.trainedAt`. */
  age: number;
  labeled: number;
  correct: number;
  accuracy: number | null;
  /** Accuracy over the sliding window of `ageWindowDays` days (`ageWindowHours` hours) ending at this age. */
  slidingAccuracy: number | null;
  slidingLabeled: number;
}
export interface RetrainSignal {
  model: string;
  version: string;
  /** Accuracy over the first sliding window of service (the first week with the defaults of a daily report). */
  firstWindowAccuracy: number | null;
  firstWindowLabeled: number;
  /** The first model age (in `Report.ageUnit`) at which sliding accuracy fell `retrainDrop` below the first window; null if never. */
  dropAge: number | null;
  dropAccuracy: number | null;
}
export interface FeedbackRow {
  model: string;
  version: string;
  windowStart: string;
  exposed: number;
  acceptRate: number | null;
  ignoreRate: number | null;
  rejectRate: number | null;
}
export interface ExposureAgeRow {
  model: string;
  /** Days since the subject first saw this model's suggestions: start of a bucket `exposureAgeBucketDays` wide. */
  exposureAgeDays: number;
  exposureAgeBucketDays: number;
  exposed: number;
  acceptRate: number | null;
  ignoreRate: number | null;
  rejectRate: number | null;
}
export interface DriftRow {
  model: string;
  feature: string;
  kind: "numeric" | "categorical";
  windowStart: string;
  n: number;
  /** Start of this model's reference window (the explicit one, or its first report window). */
  referenceStart: string;
  referenceN: number;
  psi: number;
  /** Jensen-Shannon distance, base 2 (0 = same distribution, 1 = disjoint). */
  js: number;
  /** PSI ≥ 0.25: major; ≥ 0.1: moderate. */
  flag: "none" | "moderate" | "major";
  /**
   * The direction of the drift: each bin's share of the reference and of this window (numeric bins
   * "(a, b]" between decile edges, low to high; categorical bins most frequent first; then "(other)", "(missing)").
   */
  bins: DriftBinShare[];
}
export interface DriftBinShare {
  bin: string;
  referenceShare: number;
  share: number;
}
export interface BusinessRow {
  model: string;
  version: string;
  windowStart: string;
  metric: string;
  n: number;
  sum: number;
  mean: number;
}
/**
 * A business metric by how the suggestions were used: `use` is "rank r" (the accepted candidate's rank,
 * from feedback `position` + 1), "accepted, position unknown", "ignored", "none accepted" (shown, nothing
 * accepted or ignored), "not shown", or "no suggestion used" (ignored + none accepted: the baseline).
 */
export interface BusinessUseRow {
  model: string;
  version: string;
  metric: string;
  /** The prediction's window; null for the whole report. */
  windowStart: string | null;
  use: string;
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); null below 2 values. */
  sd: number | null;
  /** Accepted uses only: mean − the "no suggestion used" mean, with Welch's two-sided 95 % interval. */
  differenceToNoSuggestion: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}
/** Content freshness of a model version in a window: shown and accepted items newer than what it was trained on. */
export interface FreshnessRow {
  model: string;
  version: string;
  windowStart: string;
  /** The version's `dataCutoff`, or its `trainedAt` when no cutoff was logged (`cutoffSource`). */
  cutoff: string;
  cutoffSource: "dataCutoff" | "trainedAt";
  /** Shown candidates (rank ≤ k) and those whose item first appeared (as any candidate of the model) after the cutoff. */
  shown: number;
  shownNew: number;
  /** Shown candidates named by accepted feedback (candidateId or position), and the new ones among them. */
  accepted: number;
  acceptedNew: number;
  shownNewShare: number | null;
  acceptedNewShare: number | null;
  /** Accept rate of shown items newer than the cutoff, and of older ones. */
  acceptRateNew: number | null;
  acceptRateOld: number | null;
}
/** Items (candidate ids) a model suggested for the first time in a window. */
export interface NewItemsRow {
  model: string;
  windowStart: string;
  newItems: number;
}
/** Accuracy estimated without labels (CBPE: the mean calibrated top score) beside the realized accuracy. */
export interface LabelFreeRow {
  model: string;
  version: string;
  windowStart: string;
  /** Predictions with a top score in [0, 1]. */
  n: number;
  /** Mean top score; null when the version's calibration does not allow it (`refused`). */
  estimatedAccuracy: number | null;
  /** Accuracy of the same predictions whose labels arrived, and how many did. */
  realizedAccuracy: number | null;
  labeled: number;
  labelCoverage: number | null;
  /** estimate − realized, where at least `minLabels` labels arrived: the estimate's measured error. */
  error: number | null;
  /** Why no estimate is given (poor or unknown calibration), or null. */
  refused: string | null;
}
/** The retrain recommendation of a model's newest version, with the evidence and caveats behind it. */
export interface RetrainRecommendation {
  model: string;
  version: string;
  /** "retrain now", "retrain now, then every N d", "retrain every N d" or "no retrain needed yet". */
  action: string;
  /** Suggested retraining interval in `cadenceUnit`s (from the earliest drop age or time to staleness); null if none. */
  cadence: number | null;
  cadenceUnit: "hour" | "day";
  /** Each threshold crossed, with its numbers. */
  reasons: string[];
  /** What weakens the evidence (confounding, a refused estimate). */
  caveats: string[];
}
export interface ItemAgeRow {
  model: string;
  version: string;
  windowStart: string;
  n: number;
  meanSeconds: number;
  p50Seconds: number;
  p90Seconds: number;
}
export interface LabelLatencyRow {
  model: string;
  version: string;
  n: number;
  p50Seconds: number;
  p90Seconds: number;
  p99Seconds: number;
}

/** A model version's span in the report: first and last prediction (the deploy markers of the charts). */
export interface VersionRow {
  model: string;
  version: string;
  firstSeen: string;
  lastSeen: string;
  predictions: number;
  /** Of them, logged as a challenger (`shadow: true`): scored, not shown. */
  shadowPredictions: number;
  /** `model.trainedAt` of its predictions (the latest, if they disagree); null when none carried it. */
  trainedAt: string | null;
  /** `model.dataCutoff` (the newest data it was trained on) and `model.deployedAt`, as logged on one of its predictions. */
  dataCutoff: string | null;
  deployedAt: string | null;
}

export interface Report {
  generatedAt: string;
  store: "sqlite" | "clickhouse";
  window: "hour" | "day" | "week";
  k: number;
  now: string;
  /** The explicit drift reference window, or null when each model uses its first report window. */
  reference: { from: string; to: string } | null;
  retrainDrop: number;
  /** The unit of model age in `modelAge` and `retrain`: hours in hourly reports (models retrained within a day), else days. */
  ageUnit: "hour" | "day";
  /** Width of the sliding model-age windows, in `ageUnit`s. */
  ageWindow: number;
  /**
   * The sections computed (`ReportOptions.sections`, every one by default); the fields of the others are empty
   * lists (sections.ts names the fields of each).
   */
  sections: ReportSection[];
  /** Monitors firing now and the latest firings and resolutions (docs/monitors.md). */
  alerts: AlertsView;
  /** Each model version's first and last prediction in the report. */
  versions: VersionRow[];
  quality: QualityRow[];
  /** Outcomes and feedback for prediction ids never seen, shown beside label coverage. */
  orphans: OrphanRow[];
  calibration: CalibrationRow[];
  modelAge: ModelAgeRow[];
  retrain: RetrainSignal[];
  /** Two versions of a model on the same windows (a challenger's on the same requests): age-effect.ts. */
  sameWindow: SameWindowRow[];
  /** The age effect where two versions overlap, against the older one's drop. */
  ageEffect: AgeEffectRow[];
  /** Per model: whether age and calendar time can be told apart, said plainly. */
  confounding: ConfoundingRow[];
  feedback: FeedbackRow[];
  exposureAge: ExposureAgeRow[];
  drift: DriftRow[];
  business: BusinessRow[];
  /** Business metrics by the rank of the accepted candidate, against "no suggestion used". */
  businessByUse: BusinessUseRow[];
  itemAge: ItemAgeRow[];
  /** One stated retrain recommendation per model (recommendation.ts). */
  recommendations: RetrainRecommendation[];
  /** Accuracy estimated before labels arrive (CBPE), beside the realized accuracy, per window. */
  labelFree: LabelFreeRow[];
  /** The largest ECE at which the label-free estimate is given. */
  maxEce: number;
  /** Shown and accepted items newer than each version's data cutoff, per window. */
  freshness: FreshnessRow[];
  /** Items first suggested per model and window (catalogue turnover). */
  newItems: NewItemsRow[];
  labelLatency: LabelLatencyRow[];
}
