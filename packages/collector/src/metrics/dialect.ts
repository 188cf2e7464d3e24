import type { ResolvedReportOptions } from "./options.js";

/**
 * The per-dialect base relations of the metrics. Each returns a SELECT whose columns are the
 * same in SQLite and ClickHouse, so the aggregations on top (in `queries.ts`) are one SQL text.
 */
export interface Dialect {
  readonly kind: "sqlite" | "clickhouse";
  /**
   * A text value in this dialect's SQL: a bound parameter's placeholder (SQLite) or a literal from the one
   * escaping function of the ClickHouse client (18.16 has no query parameters). Never a hand-built quote.
   */
  text(value: string): string;
  /**
   * `sql` run so that its floating-point sums add the rows in the order its relation holds them: ClickHouse reads
   * with one thread (a TEMPORARY table read by two adds its blocks in either order, and the last bits of a sum
   * move from run to run; the one stream after a JOIN always added them in order). SQLite: `sql` as it is.
   */
  inOrder(sql: string): string;
  /** Integer part of a non-negative number. */
  floorInt(expr: string): string;
  /**
   * One row per prediction with its latest outcome: model_name, model_version, time_ms, trained_at_ms, task,
   * score, samplerate, outcome_ttl_s, shadow (1: a challenger's, not shown; business metrics and label drift
   * skip it), has_o (0/1), first_o_ms, o_event_id, o_label, labeled (0/1),
   * ranked (0/1: labeled with a ranked list), first_rank (1-based, 0 = no relevant item ranked), dcg, idcg
   * (at k), acc_known, correct (0/1), ae_known (0/1), ae. ClickHouse adds the prediction's candidate arrays (top_ids,
   * k, cand_ranks, cand_ages) and its exposures and feedback from the states kept at ingest (e_shown, e_accepted,
   * e_ignored, e_acc_known, e_acc_first: `clickhouseFollowups`' columns, 0 without any).
   */
  scored(options: ResolvedReportOptions): string;
  /**
   * One row per exposed prediction: model_name, model_version, time_ms (first exposure), exposure_age_ms
   * (since the subject's first exposure to this model; NULL without subjectKey), accepted, ignored, rejected (0/1).
   * ClickHouse builds it on the states it keeps at ingest (`clickhouseFollowups`), SQLite on its exposure state.
   */
  exposed(options: ResolvedReportOptions): string;
  /**
   * Business metrics of latest outcomes, from the `scored` relation: model_name, model_version, time_ms
   * (prediction), prediction_id, name, value; SQLite's also with how the suggestions were used (shown, accepted,
   * ignored, acc_pos: business-by-use.ts); ClickHouse's with the prediction's e_shown, e_accepted, e_ignored,
   * e_acc_known, e_acc_first.
   */
  businessRows(scored: string): string;
  /**
   * Shown candidates of the report's predictions (rank ≤ the prediction's k, else the report's k): model_name,
   * model_version, time_ms (the prediction's), prediction_id, candidate_id, rank, item_age_s. ClickHouse reads them
   * from `scored` (the report's predictions, with their candidates' arrays); SQLite from its candidate rows.
   */
  shownCandidates(options: ResolvedReportOptions, scored: string): string;
  /**
   * Rows for drift: time_ms, num_value, str_value of one feature or pseudo-feature of one model. True labels
   * come from `scored` (latest outcomes of the report's predictions, at the prediction's time).
   */
  driftRows(model: string, feature: string, scored: string): string;
  /**
   * Rows time_ms, str_value, c (a count) whose counts add up, per time and value, to the rows of
   * `driftRows(model, feature, scored)` with time_ms in [fromMs, toMs): categorical drift counts from these
   * with SUM(c) instead of COUNT(*). For a store that keeps counts at ingest (SQLite schema 5) that is a few
   * rows per hour instead of one per prediction. Without it, drift reads the rows themselves.
   */
  categoricalRows?(
    model: string,
    feature: string,
    scored: string,
    fromMs: number,
    toMs: number,
    options: ResolvedReportOptions,
  ): string;
  /** Feature names per model: model_name, name. */
  featureNames(options: ResolvedReportOptions): string;
  /** The models with predictions (of the report's model only, when it names one): model_name, in order. */
  modelNames(options: ResolvedReportOptions): string;
  /** The time of `model`'s first prediction in [fromMs, toMs): one row, `t` (NULL when it has none there). */
  firstPredictionTime(model: string, fromMs: number, toMs: number): string;
  /** Row counts per distinct combination of the `groups` columns of `source`: the group columns and `cnt`, ordered by them. */
  counts(
    query: (sql: string) => Promise<Record<string, unknown>[]>,
    source: string,
    groups: string[],
  ): Promise<Record<string, unknown>[]>;
  /**
   * Exact quantiles of `value` per group from `source` (nulls skipped): the value at sorted position
   * ⌊q · n⌋ (0-based; `quantileLevel` makes the stores' float truncation agree with it). Rows: the group columns, q0, q1, ... in the order of `qs`, then `n` (count) and
   * `total` (sum), ordered by the groups.
   */
  quantiles(
    query: (sql: string) => Promise<Record<string, unknown>[]>,
    source: string,
    groups: string[],
    value: string,
    qs: number[],
  ): Promise<Record<string, unknown>[]>;
}

/** Pseudo-features for the drift of the predicted and the true label. */
export const PREDICTED_LABEL = "label:predicted";
export const TRUE_LABEL = "label:true";
