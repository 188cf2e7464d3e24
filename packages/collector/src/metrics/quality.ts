import type { AgeBucket } from "./retrain.js";
import type { MetricsContext } from "./run.js";
import { iso, n, rate, s } from "./run.js";
import { num, windowStart } from "./sql-common.js";
import type { BusinessRow, CalibrationRow, ItemAgeRow, LabelLatencyRow, QualityRow } from "./types.js";

/** Volume, hit@1..k, MRR, NDCG@k, accuracy, MAE and label coverage per model, version and window. */
export async function quality({ d, o, q, scored }: MetricsContext): Promise<QualityRow[]> {
  const hits = Array.from(
    { length: o.k },
    (_, j) =>
      `SUM(CASE WHEN ranked = 1 AND first_rank >= 1 AND first_rank <= ${j + 1} THEN 1 ELSE 0 END) AS hit${j + 1}`,
  ).join(",\n    ");
  const due = `time_ms + COALESCE(outcome_ttl_s, ${o.ttlSeconds}) * 1000 <= ${num(o.nowMs)}`;
  const rows = await q(
    d.inOrder(`SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w,
    COUNT(*) AS volume, SUM(1.0 / samplerate) AS est, SUM(labeled) AS n_labeled, SUM(ranked) AS n_ranked,
    ${hits},
    SUM(CASE WHEN ranked = 1 AND first_rank >= 1 THEN 1.0 / first_rank ELSE 0 END) AS rr,
    SUM(CASE WHEN ranked = 1 THEN dcg / idcg ELSE 0 END) AS ndcg,
    SUM(acc_known) AS acc_n, SUM(correct) AS n_correct, SUM(ae_known) AS ae_n, SUM(ae) AS ae_sum,
    SUM(CASE WHEN ${due} THEN 1 ELSE 0 END) AS due,
    SUM(CASE WHEN ${due} AND has_o = 1 THEN 1 ELSE 0 END) AS due_labeled
  FROM (${scored}) GROUP BY model_name, model_version, w ORDER BY model_name, model_version, w`),
  );
  return rows.map((r) => {
    const ranked = n(r.n_ranked);
    return {
      model: s(r.model_name),
      version: s(r.model_version),
      windowStart: iso(n(r.w)),
      volume: n(r.volume),
      estimatedVolume: n(r.est),
      labeled: n(r.n_labeled),
      hitAt: Array.from({ length: o.k }, (_, j) => rate(n(r[`hit${j + 1}`]), ranked)),
      mrr: rate(n(r.rr), ranked),
      ndcg: rate(n(r.ndcg), ranked),
      accuracy: rate(n(r.n_correct), n(r.acc_n)),
      mae: rate(n(r.ae_sum), n(r.ae_n)),
      due: n(r.due),
      dueLabeled: n(r.due_labeled),
      labelCoverage: rate(n(r.due_labeled), n(r.due)),
    };
  });
}

/** Reliability of the top score: 10 equal-width bins, and the expected calibration error. */
export async function calibration({ d, q, scored }: MetricsContext): Promise<CalibrationRow[]> {
  const rows = await q(
    d.inOrder(`SELECT model_name, model_version, bin, COUNT(*) AS cnt, SUM(score) AS score_sum, SUM(correct) AS n_correct
    FROM (SELECT model_name, model_version, score, correct,
      CASE WHEN score >= 1 THEN 9 ELSE ${d.floorInt("score * 10")} END AS bin
      FROM (${scored}) WHERE acc_known = 1 AND score IS NOT NULL AND score >= 0 AND score <= 1)
    GROUP BY model_name, model_version, bin ORDER BY model_name, model_version, bin`),
  );
  const out = new Map<string, CalibrationRow>();
  for (const r of rows) {
    const key = `${s(r.model_name)}\u0000${s(r.model_version)}`;
    let c = out.get(key);
    if (!c) {
      c = { model: s(r.model_name), version: s(r.model_version), n: 0, ece: null, bins: [] };
      out.set(key, c);
    }
    const cnt = n(r.cnt);
    c.n += cnt;
    c.bins.push({ bin: n(r.bin), n: cnt, meanScore: n(r.score_sum) / cnt, accuracy: n(r.n_correct) / cnt });
  }
  for (const c of out.values()) {
    c.ece = c.bins.reduce((acc, b) => acc + (b.n / c.n) * Math.abs(b.accuracy - b.meanScore), 0);
  }
  return [...out.values()];
}

/** Labeled and correct predictions per model age day (time − trainedAt), for the ageing curve. */
export async function modelAges({ d, o, q, scored }: MetricsContext): Promise<AgeBucket[]> {
  const rows =
    await q(`SELECT model_name, model_version, ${d.floorInt(`(time_ms - trained_at_ms) / ${num(o.ageUnitMs)}`)} AS age,
      SUM(acc_known) AS n_labeled, SUM(correct) AS n_correct
    FROM (${scored}) WHERE trained_at_ms IS NOT NULL AND time_ms >= trained_at_ms
    GROUP BY model_name, model_version, age ORDER BY model_name, model_version, age`);
  return rows.map((r) => ({
    model: s(r.model_name),
    version: s(r.model_version),
    age: n(r.age),
    labeled: n(r.n_labeled),
    correct: n(r.n_correct),
  }));
}

/** How long labels take: first outcome time − prediction time, exact percentiles. */
export async function labelLatency({ d, q, scored }: MetricsContext): Promise<LabelLatencyRow[]> {
  const src = `SELECT model_name, model_version, first_o_ms - time_ms AS lat FROM (${scored}) WHERE has_o = 1`;
  const rows = await d.quantiles(q, src, ["model_name", "model_version"], "lat", [0.5, 0.9, 0.99]);
  return rows.map((r) => ({
    model: s(r.model_name),
    version: s(r.model_version),
    n: n(r.n),
    p50Seconds: n(r.q0) / 1000,
    p90Seconds: n(r.q1) / 1000,
    p99Seconds: n(r.q2) / 1000,
  }));
}

/** Business metrics of the latest outcomes (such as handle time saved), per model version and window. */
export async function business({ d, o, q, business }: MetricsContext): Promise<BusinessRow[]> {
  const rows = await q(
    d.inOrder(`SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w, name,
      COUNT(*) AS cnt, SUM(value) AS total
    FROM (${business}) GROUP BY model_name, model_version, w, name ORDER BY model_name, model_version, w, name`),
  );
  return rows.map((r) => ({
    model: s(r.model_name),
    version: s(r.model_version),
    windowStart: iso(n(r.w)),
    metric: s(r.name),
    n: n(r.cnt),
    sum: n(r.total),
    mean: n(r.total) / n(r.cnt),
  }));
}

/** Age of the items shown (content freshness) per window. */
export async function itemAge({ d, o, q, shown }: MetricsContext): Promise<ItemAgeRow[]> {
  const src = `SELECT model_name, model_version, ${windowStart("time_ms", o.windowMs)} AS w, item_age_s FROM (${shown})
    WHERE item_age_s IS NOT NULL`;
  const rows = await d.quantiles(q, src, ["model_name", "model_version", "w"], "item_age_s", [0.5, 0.9]);
  return rows.map((r) => ({
    model: s(r.model_name),
    version: s(r.model_version),
    windowStart: iso(n(r.w)),
    n: n(r.n),
    meanSeconds: n(r.total) / n(r.n),
    p50Seconds: n(r.q0),
    p90Seconds: n(r.q1),
  }));
}
