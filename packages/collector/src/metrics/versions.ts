import type { MetricsContext } from "./run.js";
import { iso, n, s } from "./run.js";
import { predictionFilter } from "./sql-common.js";
import type { VersionRow } from "./types.js";

/**
 * `model.dataCutoff` and `model.deployedAt` of one prediction per version (the one with the least event id),
 * read from its stored event: the predictions table keeps neither. A version is one trained model, so one
 * prediction speaks for all of them.
 */
function modelTimes({ d, o }: MetricsContext): string {
  const firstEvents = `SELECT model_name, model_version, MIN(event_id) AS event_id FROM predictions
    WHERE ${predictionFilter(o, (v) => d.text(v))} GROUP BY model_name, model_version`;
  if (d.kind === "sqlite") {
    return `SELECT f.model_name, f.model_version, json_extract(e.raw, '$.data.model.dataCutoff') AS cutoff,
        json_extract(e.raw, '$.data.model.deployedAt') AS deployed
      FROM (${firstEvents}) f JOIN events e ON e.id = f.event_id`;
  }
  // The stored event is compact JSON (JSON.stringify): visitParam finds the keys without a JSON parser (18.16).
  return `SELECT model_name, model_version, visitParamExtractString(raw, 'dataCutoff') AS cutoff,
      visitParamExtractString(raw, 'deployedAt') AS deployed
    FROM (${firstEvents}) ANY LEFT JOIN (
      SELECT id AS event_id, raw FROM events WHERE id IN (SELECT event_id FROM (${firstEvents}))
    ) USING (event_id)`;
}

const timeOrNull = (v: unknown): string | null => {
  const ms = typeof v === "string" && v !== "" ? Date.parse(v) : Number.NaN;
  return Number.isFinite(ms) ? iso(ms) : null;
};

/**
 * Each model version's span of service in the report: its first and last prediction (the deploy markers on the
 * time charts, at `deployedAt` when logged), its prediction count, training time, data cutoff and deploy time.
 */
export async function versions(ctx: MetricsContext): Promise<VersionRow[]> {
  const { d, o, q } = ctx;
  const rows = await q(
    `SELECT model_name, model_version, MIN(time_ms) AS first_ms, MAX(time_ms) AS last_ms, COUNT(*) AS cnt,
       SUM(shadow) AS n_shadow, MAX(trained_at_ms) AS trained_ms
     FROM predictions${d.kind === "clickhouse" ? " FINAL" : ""} WHERE ${predictionFilter(o, (v) => d.text(v))}
     GROUP BY model_name, model_version ORDER BY model_name, first_ms, model_version`,
  );
  const times = new Map((await q(modelTimes(ctx))).map((r) => [`${s(r.model_name)}\u0000${s(r.model_version)}`, r]));
  return rows.map((r) => {
    const t = times.get(`${s(r.model_name)}\u0000${s(r.model_version)}`);
    return {
      model: s(r.model_name),
      version: s(r.model_version),
      firstSeen: iso(n(r.first_ms)),
      lastSeen: iso(n(r.last_ms)),
      predictions: n(r.cnt),
      shadowPredictions: n(r.n_shadow),
      trainedAt: r.trained_ms === null || r.trained_ms === undefined ? null : iso(n(r.trained_ms)),
      dataCutoff: timeOrNull(t?.cutoff),
      deployedAt: timeOrNull(t?.deployed),
    };
  });
}
