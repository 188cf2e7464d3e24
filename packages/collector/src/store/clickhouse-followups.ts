/**
 * What happened after each prediction, kept at ingest: one AggregatingMergeTree row per (model, prediction id)
 * and insert block, fed by materialized views from the outcomes, exposures and feedback tables, so a report reads
 * a GROUP BY of aggregate states instead of grouping and joining those raw rows (dialect-clickhouse.ts).
 *
 * Every state is idempotent (max, min, argMax, each with its -If form so the three sources write one row type):
 * an event stored twice (a resent batch, collectors racing) writes its states twice and they merge to the same
 * values, and the backfill (clickhouse-followups-backfill.ts) may overlap the views. One partition, so FINAL
 * merges all rows of a prediction into one: a report reads it as a merge of sorted parts, about a third of the
 * CPU of a GROUP BY of the same rows by their two String keys (2.5M predictions, 18.16).
 */
export const FOLLOWUPS_TABLE = "followups";

export type FollowupSource = "outcomes" | "exposures" | "feedback";
export const FOLLOWUP_SOURCES: readonly FollowupSource[] = ["outcomes", "exposures", "feedback"];

/** The materialized view that feeds `followups` from `source`. */
export const followupsViewName = (source: FollowupSource): string => `${FOLLOWUPS_TABLE}_from_${source}`;

interface StateColumn {
  name: string;
  /** Aggregate function (the `State` suffix is added in the views, `Merge` in the reads). */
  aggregate: string;
  /** Argument types of the aggregate function, as `AggregateFunction(aggregate, types)` takes them. */
  types: string;
  /** Arguments from each source table's row; a source the column is not about passes a false condition or 0. */
  from: Record<FollowupSource, string>;
}

const NO = "toUInt8(0)";
const YES = "toUInt8(1)";
const ACCEPTED_AT = "action = 'accepted' AND isNotNull(position)";
const NO_OUTCOME = "('', '', toUInt8(0), CAST([] AS Array(String))), (toInt64(0), toInt64(0), ''), toUInt8(0)";

/**
 * The states, named for what the report reads (`Merge`d): has_o (0/1) and the latest outcome by (revision, time,
 * event id), its first time; shown (0/1: exposed), first_ms and subject_key (the greatest, '' for none) of the
 * exposures; accepted, ignored (or dismissed), rejected (0/1), acc_known (0/1: accepted with a position) and
 * acc_first (the least such position) of the feedback.
 */
export const FOLLOWUP_STATES: readonly StateColumn[] = [
  { name: "has_o", aggregate: "max", types: "UInt8", from: { outcomes: YES, exposures: NO, feedback: NO } },
  {
    name: "o_latest",
    aggregate: "argMaxIf",
    // No Nullable in the tuple: 18.16 crashes (SIGSEGV) writing an argMax state of a tuple holding a NULL beside
    // an empty array (an outcome with neither label nor relevant ids). The label travels as text and a flag.
    types: "Tuple(String, String, UInt8, Array(String)), Tuple(Int64, Int64, String), UInt8",
    from: {
      outcomes:
        "(event_id, ifNull(label, ''), toUInt8(isNotNull(label)), relevant_ids), (revision, time_ms, event_id), toUInt8(1)",
      exposures: NO_OUTCOME,
      feedback: NO_OUTCOME,
    },
  },
  {
    name: "o_first_ms",
    aggregate: "minIf",
    types: "Int64, UInt8",
    from: { outcomes: `time_ms, ${YES}`, exposures: `time_ms, ${NO}`, feedback: `time_ms, ${NO}` },
  },
  { name: "shown", aggregate: "max", types: "UInt8", from: { outcomes: NO, exposures: YES, feedback: NO } },
  {
    name: "first_ms",
    aggregate: "minIf",
    types: "Int64, UInt8",
    from: { outcomes: `time_ms, ${NO}`, exposures: `time_ms, ${YES}`, feedback: `time_ms, ${NO}` },
  },
  {
    name: "subject_key",
    aggregate: "maxIf",
    types: "String, UInt8",
    from: { outcomes: `'', ${NO}`, exposures: `ifNull(subject_key, ''), ${YES}`, feedback: `'', ${NO}` },
  },
  {
    name: "accepted",
    aggregate: "max",
    types: "UInt8",
    from: { outcomes: NO, exposures: NO, feedback: "toUInt8(action = 'accepted')" },
  },
  {
    name: "ignored",
    aggregate: "max",
    types: "UInt8",
    from: { outcomes: NO, exposures: NO, feedback: "toUInt8(action IN ('ignored', 'dismissed'))" },
  },
  {
    name: "rejected",
    aggregate: "max",
    types: "UInt8",
    from: { outcomes: NO, exposures: NO, feedback: "toUInt8(action = 'rejected')" },
  },
  {
    name: "acc_known",
    aggregate: "max",
    types: "UInt8",
    from: { outcomes: NO, exposures: NO, feedback: `toUInt8(${ACCEPTED_AT})` },
  },
  {
    name: "acc_first",
    aggregate: "minIf",
    types: "Int32, UInt8",
    from: {
      outcomes: `toInt32(0), ${NO}`,
      exposures: `toInt32(0), ${NO}`,
      feedback: `toInt32(ifNull(position, 0)), toUInt8(${ACCEPTED_AT})`,
    },
  },
];

/** A state's column (its merged value takes the state's name in the reads). */
const stateColumn = (state: StateColumn) => `${state.name}_state`;

/** The `followups` table (clickhouse-cluster-ddl.ts makes a ReplicatedAggregatingMergeTree of it on a cluster). */
export function followupsTableDdl(db: string): string {
  const states = FOLLOWUP_STATES.map(
    (state) => `${stateColumn(state)} AggregateFunction(${state.aggregate}, ${state.types})`,
  );
  return `CREATE TABLE IF NOT EXISTS ${db}.${FOLLOWUPS_TABLE} (
    model_name String, prediction_id String, ${states.join(", ")}
  ) ENGINE = AggregatingMergeTree() ORDER BY (model_name, prediction_id)`;
}

/** The rows of `followups` for the rows of `from` (a table of `source`'s layout): what a view and the backfill insert. */
export function followupsSelect(source: FollowupSource, from: string): string {
  const states = FOLLOWUP_STATES.map(
    (state) => `${state.aggregate}State(${state.from[source]}) AS ${stateColumn(state)}`,
  );
  return `SELECT model_name, prediction_id, ${states.join(", ")} FROM ${from} GROUP BY model_name, prediction_id`;
}

/** The materialized view of one source: each block inserted into the source adds its rows to `followups`. */
export function followupsViewDdl(db: string, source: FollowupSource): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${followupsViewName(source)} TO ${db}.${FOLLOWUPS_TABLE}
    AS ${followupsSelect(source, `${db}.${source}`)}`;
}

/** What each value read from `followups` is made of: a state, or the field of the latest outcome it takes. */
const READ_AS: Record<string, string> = {
  o_event_id: "o_latest.1",
  // NULL without an outcome too (the empty state's flag is 0), as a LEFT JOIN's default was.
  o_label: "if(o_latest.3 = 1, toNullable(o_latest.2), CAST(NULL AS Nullable(String)))",
  o_rel: "o_latest.4",
  first_o_ms: "o_first_ms",
};
const STATE_OF: Record<string, string> = {
  o_event_id: "o_latest",
  o_label: "o_latest",
  o_rel: "o_latest",
  first_o_ms: "o_first_ms",
};

/**
 * The merged values per prediction of `followups` (`where`: of the report's model), read with FINAL: model_name,
 * prediction_id and `columns`, from has_o, o_event_id, o_label, o_rel, first_o_ms, shown, first_ms, subject_key,
 * accepted, ignored, rejected, acc_known, acc_first. Only the states those need are finalized (the latest outcome's
 * is the dearest). A prediction with none of a source's rows gets that source's defaults (0, '', NULL, []).
 */
export function followupsMerged(where: string, columns: readonly string[]): string {
  const states = new Set(columns.map((column) => STATE_OF[column] ?? column));
  const finalized = FOLLOWUP_STATES.filter((state) => states.has(state.name)).map(
    (state) => `finalizeAggregation(${stateColumn(state)}) AS ${state.name}`,
  );
  if (finalized.length !== states.size) throw new Error(`Unknown followups column in ${columns.join(", ")}`);
  const values = columns.map((column) => (READ_AS[column] ? `${READ_AS[column]} AS ${column}` : column));
  return `SELECT model_name, prediction_id, ${values.join(", ")}
    FROM (SELECT model_name, prediction_id, ${finalized.join(", ")} FROM ${FOLLOWUPS_TABLE} FINAL ${where})`;
}
