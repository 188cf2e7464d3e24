import type { ResolvedReportOptions } from "./options.js";
import type { AgeBucket } from "./retrain.js";
import type { MetricsContext, Rows } from "./run.js";
import { asNumber, asText, iso, rate } from "./run.js";
import { num, windowStart } from "./sql-common.js";
import type { BusinessRow, CalibrationRow, ItemAgeRow, LabelLatencyRow, QualityRow } from "./types.js";

/** Volume, hit@1..k, MRR, NDCG@k, accuracy, MAE and label coverage per model, version and window. */
export async function quality(ctx: MetricsContext): Promise<QualityRow[]> {
  return qualityOf(await ctx.query(qualitySql(ctx)), ctx.options);
}

/**
 * The quality query, grouped by model_name, model_version and window `w` in that order; `extra` adds aggregate
 * columns over the same groups (sqlite-quality-pass.ts reads the label-free sums in the same pass).
 */
export function qualitySql({ dialect, options, scored }: MetricsContext, extra = ""): string {
  const hits = Array.from(
    { length: options.k },
    (_, inner) =>
      `SUM(CASE WHEN ranked = 1 AND first_rank >= 1 AND first_rank <= ${inner + 1} THEN 1 ELSE 0 END) AS hit${inner + 1}`,
  ).join(",\n    ");
  const due = `time_ms + COALESCE(outcome_ttl_s, ${options.ttlSeconds}) * 1000 <= ${num(options.nowMs)}`;
  return dialect.inOrder(`SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w,${extra}
    COUNT(*) AS volume, SUM(1.0 / samplerate) AS est, SUM(labeled) AS n_labeled, SUM(ranked) AS n_ranked,
    ${hits},
    SUM(CASE WHEN ranked = 1 AND first_rank >= 1 THEN 1.0 / first_rank ELSE 0 END) AS rr,
    SUM(CASE WHEN ranked = 1 THEN dcg / idcg ELSE 0 END) AS ndcg,
    SUM(acc_known) AS acc_n, SUM(correct) AS n_correct, SUM(ae_known) AS ae_n, SUM(ae) AS ae_sum,
    SUM(CASE WHEN ${due} THEN 1 ELSE 0 END) AS due,
    SUM(CASE WHEN ${due} AND has_o = 1 THEN 1 ELSE 0 END) AS due_labeled
  FROM (${scored}) GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`);
}

/** Quality rows from the rows of `qualitySql`. */
export function qualityOf(rows: Rows, options: ResolvedReportOptions): QualityRow[] {
  return rows.map((row) => {
    const ranked = asNumber(row.n_ranked);
    return {
      model: asText(row.model_name),
      version: asText(row.model_version),
      windowStart: iso(asNumber(row.w)),
      volume: asNumber(row.volume),
      estimatedVolume: asNumber(row.est),
      labeled: asNumber(row.n_labeled),
      hitAt: Array.from({ length: options.k }, (_, inner) => rate(asNumber(row[`hit${inner + 1}`]), ranked)),
      mrr: rate(asNumber(row.rr), ranked),
      ndcg: rate(asNumber(row.ndcg), ranked),
      accuracy: rate(asNumber(row.n_correct), asNumber(row.acc_n)),
      mae: rate(asNumber(row.ae_sum), asNumber(row.ae_n)),
      due: asNumber(row.due),
      dueLabeled: asNumber(row.due_labeled),
      labelCoverage: rate(asNumber(row.due_labeled), asNumber(row.due)),
    };
  });
}

/** Reliability of the top score: 10 equal-width bins, and the expected calibration error. */
export async function calibration({ dialect, query, scored }: MetricsContext): Promise<CalibrationRow[]> {
  const rows = await query(
    dialect.inOrder(`SELECT model_name, model_version, bin, COUNT(*) AS cnt, SUM(score) AS score_sum, SUM(correct) AS n_correct
    FROM (SELECT model_name, model_version, score, correct,
      CASE WHEN score >= 1 THEN 9 ELSE ${dialect.floorInt("score * 10")} END AS bin
      FROM (${scored}) WHERE acc_known = 1 AND score IS NOT NULL AND score >= 0 AND score <= 1)
    GROUP BY model_name, model_version, bin ORDER BY model_name, model_version, bin`),
  );
  const out = new Map<string, CalibrationRow>();
  for (const result of rows) {
    const key = `${asText(result.model_name)}\u0000${asText(result.model_version)}`;
    let row = out.get(key);
    if (!row) {
      row = { model: asText(result.model_name), version: asText(result.model_version), n: 0, ece: null, bins: [] };
      out.set(key, row);
    }
    const cnt = asNumber(result.cnt);
    row.n += cnt;
    row.bins.push({
      bin: asNumber(result.bin),
      n: cnt,
      meanScore: asNumber(result.score_sum) / cnt,
      accuracy: asNumber(result.n_correct) / cnt,
    });
  }
  for (const row of out.values()) {
    row.ece = row.bins.reduce((acc, right) => acc + (right.n / row.n) * Math.abs(right.accuracy - right.meanScore), 0);
  }
  return [...out.values()];
}

/** Labeled and correct predictions per model age day (time − trainedAt), for the ageing curve. */
export async function modelAges({ dialect, options, query, scored }: MetricsContext): Promise<AgeBucket[]> {
  const rows =
    await query(`SELECT model_name, model_version, ${dialect.floorInt(`(time_ms - trained_at_ms) / ${num(options.ageUnitMs)}`)} AS age,
      SUM(acc_known) AS n_labeled, SUM(correct) AS n_correct
    FROM (${scored}) WHERE trained_at_ms IS NOT NULL AND time_ms >= trained_at_ms
    GROUP BY model_name, model_version, age ORDER BY model_name, model_version, age`);
  return rows.map((row) => ({
    model: asText(row.model_name),
    version: asText(row.model_version),
    age: asNumber(row.age),
    labeled: asNumber(row.n_labeled),
    correct: asNumber(row.n_correct),
  }));
}

/** How long labels take: first outcome time − prediction time, exact percentiles. */
export async function labelLatency({ dialect, query, scored }: MetricsContext): Promise<LabelLatencyRow[]> {
  const src = `SELECT model_name, model_version, first_o_ms - time_ms AS lat FROM (${scored}) WHERE has_o = 1`;
  const rows = await dialect.quantiles(query, src, ["model_name", "model_version"], "lat", [0.5, 0.9, 0.99]);
  return rows.map((row) => ({
    model: asText(row.model_name),
    version: asText(row.model_version),
    n: asNumber(row.n),
    p50Seconds: asNumber(row.q0) / 1000,
    p90Seconds: asNumber(row.q1) / 1000,
    p99Seconds: asNumber(row.q2) / 1000,
  }));
}

/** Business metrics of the latest outcomes (such as handle time saved), per model version and window. */
export async function business({ dialect, options, query, business }: MetricsContext): Promise<BusinessRow[]> {
  const rows = await query(
    dialect.inOrder(`SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w, name,
      COUNT(*) AS cnt, SUM(value) AS total
    FROM (${business}) GROUP BY model_name, model_version, w, name ORDER BY model_name, model_version, w, name`),
  );
  return rows.map((row) => ({
    model: asText(row.model_name),
    version: asText(row.model_version),
    windowStart: iso(asNumber(row.w)),
    metric: asText(row.name),
    n: asNumber(row.cnt),
    sum: asNumber(row.total),
    mean: asNumber(row.total) / asNumber(row.cnt),
  }));
}

/** Age of the items shown (content freshness) per window. */
export async function itemAge({ dialect, options, query, shown }: MetricsContext): Promise<ItemAgeRow[]> {
  const src = `SELECT model_name, model_version, ${windowStart("time_ms", options.windowMs)} AS w, item_age_s FROM (${shown})
    WHERE item_age_s IS NOT NULL`;
  const rows = await dialect.quantiles(query, src, ["model_name", "model_version", "w"], "item_age_s", [0.5, 0.9]);
  return rows.map((row) => ({
    model: asText(row.model_name),
    version: asText(row.model_version),
    windowStart: iso(asNumber(row.w)),
    n: asNumber(row.n),
    meanSeconds: asNumber(row.total) / asNumber(row.n),
    p50Seconds: asNumber(row.q0),
    p90Seconds: asNumber(row.q1),
  }));
}
