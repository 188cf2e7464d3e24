import type { Dialect } from "./dialect.js";
import { FRESHNESS_GROUPS, freshnessCountsSqlite } from "./freshness-sqlite.js";
import type { MetricsContext } from "./run.js";
import { asNumber, asText, iso, rate } from "./run.js";
import { num, windowStart } from "./sql-common.js";
import type { FreshnessRow, NewItemsRow, VersionRow } from "./types.js";

/** The time a version could know items up to: its `dataCutoff`, else its training time (it saw nothing later). */
export function cutoffOf(row: VersionRow): { ms: number; source: "dataCutoff" | "trainedAt" } | null {
  if (row.dataCutoff !== null) return { ms: Date.parse(row.dataCutoff), source: "dataCutoff" };
  if (row.trainedAt !== null) return { ms: Date.parse(row.trainedAt), source: "trainedAt" };
  return null;
}

/**
 * Each item's first appearance for a model, over the whole store: model_name, candidate_id, first_ms. That is
 * the earliest (prediction time − `itemAgeSeconds`) of its candidate rows: its publication when the item's age
 * is logged, else the first time it was suggested. (A minimum: rows stored twice change nothing, no FINAL.)
 */
export function firstSeen(dialect: Dialect): string {
  // SQLite keeps it at ingest (item_state, schema 7): a row per item instead of a GROUP BY of every candidate row.
  if (dialect.kind === "sqlite") return "SELECT model_name, candidate_id, first_ms FROM item_state";
  // ClickHouse: from the candidate arrays of the shown predictions (clickhouse-schema.ts), no join.
  return `SELECT model_name, candidate_id, min(time_ms - ifNull(item_age_s, 0.) * 1000) AS first_ms FROM (
      SELECT model_name, time_ms, top_ids, cand_ages FROM predictions
      WHERE shadow = 0 AND length(cand_ranks) = length(top_ids)
    ) ARRAY JOIN top_ids AS candidate_id, cand_ages AS item_age_s
    GROUP BY model_name, candidate_id`;
}

/**
 * Shown candidates of the report's predictions (rank ≤ the prediction's k, else the report's k): model_name,
 * model_version, time_ms, candidate_id, accepted (0/1: accepted feedback names it, by candidateId or position).
 */
function shown({ dialect, shown: candidates }: MetricsContext): string {
  if (dialect.kind === "sqlite") {
    return `SELECT c.model_name, c.model_version, c.time_ms, c.candidate_id,
        EXISTS (SELECT 1 FROM feedback f WHERE f.model_name = c.model_name AND f.prediction_id = c.prediction_id
          AND f.action = 'accepted' AND (f.candidate_id = c.candidate_id OR f.position + 1 = c.rank)) AS accepted
      FROM (${candidates}) c`;
  }
  // ClickHouse's shown candidates carry `accepted` (dialect-clickhouse.ts).
  return `SELECT model_name, model_version, time_ms, candidate_id, accepted FROM (${candidates})`;
}

/**
 * Content freshness per model, version and window: how many shown and accepted items first appeared after the
 * version's data cutoff (items it cannot have learned from), and the accept rate of those newer items against
 * older ones. Versions with neither `dataCutoff` nor `trainedAt` have no rows.
 */
export async function freshness(ctx: MetricsContext, versionRows: VersionRow[]): Promise<FreshnessRow[]> {
  const { dialect, query } = ctx;
  const cutoffs = versionRows.flatMap((versionRow) => {
    const config = cutoffOf(versionRow);
    return config ? [{ v: versionRow, c: config }] : [];
  });
  if (cutoffs.length === 0) return [];
  const whens = cutoffs
    .map(
      ({ v: row, c: config }) =>
        `WHEN model_name = ${dialect.text(row.model)} AND model_version = ${dialect.text(row.version)} THEN ${num(config.ms)}`,
    )
    .join(" ");
  // Shown candidates counted per model, version, window, newness and acceptance (SQLite: from its counts per hour,
  // freshness-sqlite.ts); the sums below are of integer counts, so exact in any order.
  const counts =
    dialect.kind === "sqlite"
      ? await freshnessCountsSqlite(ctx, shown(ctx), `CASE ${whens} ELSE NULL END`)
      : await query(clickhouseFreshnessCounts(ctx, `CASE ${whens} ELSE NULL END`));
  const rows: Record<string, unknown>[] = counts.map((count) => ({
    ...count,
    shown: asNumber(count.cnt),
    accepted: asNumber(count.cnt) * asNumber(count.accepted),
  }));
  const out = new Map<string, FreshnessRow>();
  for (const result of rows) {
    const key = `${asText(result.model_name)}\u0000${asText(result.model_version)}\u0000${asNumber(result.w)}`;
    const found = cutoffs.find(
      ({ v: row }) => row.model === asText(result.model_name) && row.version === asText(result.model_version),
    );
    let row = out.get(key);
    if (!row) {
      row = {
        model: asText(result.model_name),
        version: asText(result.model_version),
        windowStart: iso(asNumber(result.w)),
        cutoff: found ? iso(found.c.ms) : "",
        cutoffSource: found?.c.source ?? "dataCutoff",
        shown: 0,
        shownNew: 0,
        accepted: 0,
        acceptedNew: 0,
        shownNewShare: null,
        acceptedNewShare: null,
        acceptRateNew: null,
        acceptRateOld: null,
      };
      out.set(key, row);
    }
    row.shown += asNumber(result.shown);
    row.accepted += asNumber(result.accepted);
    if (asNumber(result.is_new) === 1) {
      row.shownNew += asNumber(result.shown);
      row.acceptedNew += asNumber(result.accepted);
    }
  }
  return [...out.values()].map((row) => ({
    ...row,
    shownNewShare: rate(row.shownNew, row.shown),
    acceptedNewShare: rate(row.acceptedNew, row.accepted),
    acceptRateNew: rate(row.acceptedNew, row.shownNew),
    acceptRateOld: rate(row.accepted - row.acceptedNew, row.shown - row.shownNew),
  }));
}

/**
 * ClickHouse: the shown candidates counted per model, version, window, newness and acceptance (`FRESHNESS_GROUPS`,
 * with `cnt`, in their order). They are counted per item first (model, version, window, acceptance, candidate id),
 * then those counts joined with the items' first appearances and added up: the join then takes a row per item and
 * window instead of one per shown candidate (1.5M at 2M events), for the same integer counts. `cutoff` is the
 * version's cutoff (NULL: none, not counted).
 */
function clickhouseFreshnessCounts(ctx: MetricsContext, cutoff: string): string {
  const groups = FRESHNESS_GROUPS.join(", ");
  return `SELECT ${groups}, sum(cnt) AS cnt FROM (
      SELECT model_name, model_version, w, accepted, CASE WHEN first_ms > cutoff_ms THEN 1 ELSE 0 END AS is_new, cnt FROM (
        SELECT model_name, model_version, w, accepted, candidate_id, cnt, first_ms, ${cutoff} AS cutoff_ms FROM (
          SELECT model_name, model_version, ${windowStart("time_ms", ctx.options.windowMs)} AS w, accepted, candidate_id,
            count() AS cnt
          FROM (${shown(ctx)}) GROUP BY model_name, model_version, w, accepted, candidate_id
        ) ALL INNER JOIN (${ctx.firstSeen}) USING (model_name, candidate_id)
      ) WHERE cutoff_ms IS NOT NULL
    ) GROUP BY ${groups} ORDER BY ${groups}`;
}

/** Items (candidate ids) first seen per model and window: how fast the catalogue turns over. */
export async function newItems(ctx: MetricsContext): Promise<NewItemsRow[]> {
  const { dialect, options, query } = ctx;
  const model = options.model === undefined ? "" : `AND model_name = ${dialect.text(options.model)}`;
  const rows = await query(`SELECT model_name, ${windowStart("first_ms", options.windowMs)} AS w, COUNT(*) AS items
    FROM (${ctx.firstSeen}) WHERE first_ms >= ${num(options.fromMs)} AND first_ms < ${num(options.toMs)} ${model}
    GROUP BY model_name, w ORDER BY model_name, w`);
  return rows.map((row) => ({
    model: asText(row.model_name),
    windowStart: iso(asNumber(row.w)),
    newItems: asNumber(row.items),
  }));
}
