export { type AuthConfig, authConfigSchema, parseAuthConfig } from "./auth.js";
export {
  type Collector,
  type CollectorOptions,
  createCollector,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DEFAULT_MAX_EVENTS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from "./collector.js";
export { type CollectorConfigFile, loadAuthConfig, loadCollectorConfig } from "./config-file.js";
export type { Logger } from "./http/handler.js";
export { type ParsedBatch, parseBatch } from "./http/parse-batch.js";
export { BodyError } from "./http/read-body.js";
export { computeReport } from "./metrics/compute-report.js";
export { type ReportOptions, resolveReportOptions, type WindowName } from "./metrics/options.js";
export { REPORT_SECTIONS, type ReportSection } from "./metrics/sections.js";
export type {
  BusinessRow,
  CalibrationRow,
  DriftRow,
  ExposureAgeRow,
  FeedbackRow,
  ItemAgeRow,
  LabelLatencyRow,
  ModelAgeRow,
  OrphanRow,
  QualityRow,
  Report,
  RetrainSignal,
} from "./metrics/types.js";
export type { AlertEvent } from "./monitors/alert-event.js";
export type { AlertsView, FiringAlert } from "./monitors/alerts-view.js";
export { alertsView } from "./monitors/alerts-view.js";
export type { MonitorState } from "./monitors/hysteresis.js";
export {
  createMonitorRunner,
  type Evaluation,
  type MonitorRunner,
  type MonitorRunnerOptions,
} from "./monitors/monitor-runner.js";
export { createNotifier, type Notifier, type NotifierOptions, type NotifierStats } from "./monitors/notifier.js";
export type { Observation } from "./monitors/observation.js";
export {
  DEFAULT_RULES,
  type MonitorsConfig,
  parseMonitorsConfig,
  RULE_KINDS,
  type Rule,
  type RuleKind,
} from "./monitors/rules.js";
export { SIGNATURE_HEADER, signatureOf, webhookBody } from "./monitors/webhook-body.js";
export { type NotificationsConfig, parseNotificationsConfig, type WebhookTarget } from "./monitors/webhooks-config.js";
export type { CollectorMetrics } from "./observability/metrics.js";
export { renderReportHtml } from "./report/render-html.js";
export { renderReportText } from "./report/render-text.js";
export { ClickHouseError } from "./store/clickhouse-http.js";
export {
  CLICKHOUSE_GROUP_COMMIT,
  type ClickHouseStoreOptions,
  openClickHouseStore,
} from "./store/clickhouse-store.js";
export type { GroupCommitOptions } from "./store/group-commit.js";
export { type OpenStoreOptions, openStore } from "./store/open-store.js";
export { openSqliteStore, SQLITE_GROUP_COMMIT, type SqliteStoreOptions } from "./store/sqlite-store.js";
export {
  DEFAULT_OUTCOME_TTL_SECONDS,
  type IncomingEvent,
  type InsertResult,
  type JoinedPrediction,
  type LabelCoverage,
  STORE_TABLES,
  type Store,
  type StoreTable,
} from "./store/types.js";
