import { type ClickHouseClient, sqlString } from "./clickhouse-http.js";

/**
 * A shown prediction row written before `cand_ranks` and `cand_ages` (clickhouse-schema.ts): its `top_ids` has
 * candidates, the two arrays are empty.
 */
const LEGACY = "shadow = 0 AND length(cand_ranks) != length(top_ids)";

/**
 * Fills `cand_ranks` and `cand_ages` of prediction rows written before them, from their candidate rows: each such
 * prediction is written again with the arrays (a copy of the row under the same sorting key, which FINAL and merges
 * prefer, as for a resent batch), then the partitions that held one are merged (OPTIMIZE … FINAL), so the old rows
 * are gone and the next start finds nothing to do. A prediction whose candidate rows are incomplete (an insert cut
 * short, whose retry writes the whole event again) is left as it is. Collectors racing through this write the same
 * rows twice, which collapse. A merge that fails (a replica away) is only skipped: FINAL reads the new rows meanwhile.
 */
export async function backfillPredictionCandidates(ch: ClickHouseClient): Promise<void> {
  const db = ch.database;
  const days = await ch.rows<{ p: string }>(
    `SELECT DISTINCT toString(toYYYYMM(day)) AS p FROM ${db}.predictions WHERE ${LEGACY}`,
  );
  if (days.length === 0) return;
  const partitions = days.map((row) => row.p);
  const inPartitions = `toYYYYMM(day) IN (${partitions.join(", ")})`;
  const columns = await ch.rows<{ name: string }>(
    `SELECT name FROM system.columns WHERE database = ${sqlString(db)} AND table = 'predictions'`,
  );
  const kept = columns.map((column) => column.name).filter((name) => name !== "cand_ranks" && name !== "cand_ages");
  const list = kept.join(", ");
  // Candidates in the order of `top_ids`: by rank, ties in the order of their ids there.
  await ch.exec(
    `INSERT INTO ${db}.predictions (${list}, cand_ranks, cand_ages)
    SELECT ${list}, arrayMap(c -> c.1, sorted), arrayMap(c -> c.3, sorted) FROM (
      SELECT ${list}, arraySort(c -> (c.1, indexOf(top_ids, c.2)), cands) AS sorted FROM (
        SELECT ${list} FROM ${db}.predictions FINAL WHERE ${inPartitions} AND ${LEGACY}
      ) ANY INNER JOIN (
        SELECT event_id, groupArray((rank, candidate_id, item_age_s)) AS cands
        FROM ${db}.candidates FINAL WHERE ${inPartitions} GROUP BY event_id
      ) USING (event_id)
      WHERE length(cands) = length(top_ids)
    )`,
    { database: false },
  );
  for (const partition of partitions) {
    await ch.exec(`OPTIMIZE TABLE ${db}.predictions PARTITION ${partition} FINAL`, { database: false }).catch(() => {});
  }
}
