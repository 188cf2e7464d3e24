import type { MetricsContext } from "./run.js";
import { iso, n, s } from "./run.js";
import { predictionFilter } from "./sql-common.js";
import type { VersionRow } from "./types.js";

/**
 * Each model version's span of service in the report: its first and last prediction (the deploy markers on the
 * time charts), its prediction count and training time.
 */
export async function versions({ d, o, q }: MetricsContext): Promise<VersionRow[]> {
  const rows = await q(
    `SELECT model_name, model_version, MIN(time_ms) AS first_ms, MAX(time_ms) AS last_ms, COUNT(*) AS cnt,
       MAX(trained_at_ms) AS trained_ms
     FROM predictions${d.kind === "clickhouse" ? " FINAL" : ""} WHERE ${predictionFilter(o, (v) => d.text(v))}
     GROUP BY model_name, model_version ORDER BY model_name, first_ms, model_version`,
  );
  return rows.map((r) => ({
    model: s(r.model_name),
    version: s(r.model_version),
    firstSeen: iso(n(r.first_ms)),
    lastSeen: iso(n(r.last_ms)),
    predictions: n(r.cnt),
    trainedAt: r.trained_ms === null || r.trained_ms === undefined ? null : iso(n(r.trained_ms)),
  }));
}
