import { backfillPending } from "./clickhouse-backfill-pending.js";
import { FOLLOWUP_SOURCES, FOLLOWUPS_TABLE, followupsSelect } from "./clickhouse-followups.js";
import { type ClickHouseClient, sqlString } from "./clickhouse-http.js";

/**
 * This host's note that `followups` may lack rows of the source tables: made before `followups` and its views
 * (or before the tables move to a cluster, whose views are made again), dropped once the backfill is done. A start
 * that finds it (the last one stopped halfway) backfills again: the states are idempotent, copies merge.
 */
export const FOLLOWUPS_BACKFILL_MARKER = `${FOLLOWUPS_TABLE}_backfilling`;

/** Run before the DDL: whether `followups` must be backfilled after it (clickhouse-backfill-pending.ts). */
export const followupsBackfillPending = (ch: ClickHouseClient, cluster: string | undefined): Promise<boolean> =>
  backfillPending(ch, cluster, { table: FOLLOWUPS_TABLE, source: "events", marker: FOLLOWUPS_BACKFILL_MARKER });

/** How often, and how far apart, the backfill asks for its merge while background merges hold some of the parts. */
const MERGE_ATTEMPTS = 10;
const MERGE_RETRY_MS = 1_000;

/**
 * Merges `followups` into one part (OPTIMIZE … FINAL): reads then find one row per prediction instead of one per
 * source. An OPTIMIZE that finds parts already being merged in the background does nothing, silently unless
 * `optimize_throw_if_noop`: it is asked again a few times while there is more than one part. A merge that cannot be had (a replica away) is only
 * skipped: FINAL reads merge the rows meanwhile, and background merges catch up.
 */
async function mergeFollowups(ch: ClickHouseClient): Promise<void> {
  const parts = async () =>
    (
      await ch.rows<{ n: number }>(
        `SELECT count() AS n FROM system.parts WHERE database = ${sqlString(ch.database)}
         AND table = ${sqlString(FOLLOWUPS_TABLE)} AND active`,
      )
    )[0]?.n ?? 0;
  for (let attempt = 1; attempt <= MERGE_ATTEMPTS && (await parts()) > 1; attempt++) {
    try {
      await ch.exec(`OPTIMIZE TABLE ${ch.database}.${FOLLOWUPS_TABLE} FINAL`, {
        database: false,
        settings: { optimize_throw_if_noop: "1" },
      });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, MERGE_RETRY_MS));
    }
  }
}

/**
 * Writes the states of every row of the source tables into `followups` (rows the views wrote meanwhile are written
 * twice and merge to the same values), merges them (`mergeFollowups`), then drops the marker.
 */
export async function backfillFollowups(ch: ClickHouseClient): Promise<void> {
  const db = ch.database;
  for (const source of FOLLOWUP_SOURCES) {
    await ch.exec(`INSERT INTO ${db}.${FOLLOWUPS_TABLE} ${followupsSelect(source, `${db}.${source}`)}`, {
      database: false,
    });
  }
  await mergeFollowups(ch);
  await ch.exec(`DROP TABLE IF EXISTS ${db}.${FOLLOWUPS_BACKFILL_MARKER}`, { database: false });
}
