/**
 * `@inferlog/collector/rows`: how events map to the collector's tables, with no Node or
 * SQLite imports, so writers outside the collector (`@inferlog/clickhouse`) reuse it exactly.
 */
export { clickhouseAddedColumns, clickhouseDdl, isColumnAlreadyThere } from "./store/clickhouse-schema.js";
export { clickhouseTableRows, type TableInsert } from "./store/clickhouse-table-rows.js";
export {
  type CandidateRow,
  type EventRow,
  type ExposureRow,
  type FeatureRow,
  type FeedbackRow,
  type OutcomeRow,
  type PredictionRow,
  type Rows,
  toRows,
} from "./store/rows.js";
export type { IncomingEvent } from "./store/types.js";
