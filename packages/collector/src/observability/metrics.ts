import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Routes that get their own label; any other path is `other`, so a scan of random paths cannot grow the series. */
export const METRIC_ROUTES: ReadonlySet<string> = new Set([
  "/v1/events",
  "/v1/logs",
  "/healthz",
  "/v1/report",
  "/report",
  "/metrics",
]);
const METRIC_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "OPTIONS"]);
export const REPORT_ROUTES: ReadonlySet<string> = new Set(["/v1/report", "/report"]);

/** Why a whole request was refused, by status (ingest routes only). */
const REJECTION_REASONS = new Map<number, string>([
  [400, "malformed"],
  [401, "unauthorized"],
  [403, "forbidden"],
  [405, "method_not_allowed"],
  [413, "too_large"],
  [415, "unsupported_media_type"],
  [500, "internal_error"],
  [503, "unavailable"],
]);
const INGEST_ROUTES: ReadonlySet<string> = new Set(["/v1/events", "/v1/logs"]);

/** Why single events of an accepted request were refused. */
export type EventRejection = "invalid" | "not_inferlog";

export interface CollectorMetrics {
  readonly registry: Registry;
  /** One HTTP request answered (or cut), with its path as received. */
  observeRequest(path: string, method: string | undefined, status: number, seconds: number): void;
  /** Events of an accepted request that were refused one by one. */
  rejectEvents(route: string, reason: EventRejection, count: number): void;
  /** Events stored without fields the contract does not know (validation left them out). */
  ignoreFields(route: string, count: number): void;
  /** Times one store write and counts its events; rethrows the store's error. */
  timeStoreWrite<T extends { inserted: number; duplicates: number }>(
    events: number,
    write: () => Promise<T>,
  ): Promise<T>;
}

const routeLabel = (path: string): string => (METRIC_ROUTES.has(path) ? path : "other");

/**
 * The collector's Prometheus metrics, in a registry of its own (two collectors in one process do
 * not share counters), with Node's process metrics (CPU, memory, event-loop delay) beside them.
 */
export function createCollectorMetrics(): CollectorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requestDuration = new Histogram({
    name: "inferlog_http_request_duration_seconds",
    help: "HTTP requests by route, method and status, from the first byte read to the last written",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const requestsRejected = new Counter({
    name: "inferlog_requests_rejected_total",
    help: "Ingest requests refused whole (nothing stored), by route and reason",
    labelNames: ["route", "reason"] as const,
    registers,
  });
  const eventsRejected = new Counter({
    name: "inferlog_events_rejected_total",
    help: "Events refused one by one inside an accepted request (invalid, or an OTLP record not inferlog's)",
    labelNames: ["route", "reason"] as const,
    registers,
  });
  const eventsWithIgnoredFields = new Counter({
    name: "inferlog_events_ignored_fields_total",
    help: "Valid events stored without fields the contract does not know (a misspelt field, or one of another event type)",
    labelNames: ["route"] as const,
    registers,
  });
  const eventsStored = new Counter({
    name: "inferlog_events_accepted_total",
    help: "Valid events the store acknowledged: inserted for the first time, or duplicates of stored ids",
    labelNames: ["result"] as const,
    registers,
  });
  const writeEvents = new Histogram({
    name: "inferlog_store_write_events",
    help: "Events per store write (the group-commit size once writes are coalesced)",
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000],
    registers,
  });
  const writeDuration = new Histogram({
    name: "inferlog_store_write_duration_seconds",
    help: "Store write latency, by outcome (ok, error)",
    labelNames: ["outcome"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const reportDuration = new Histogram({
    name: "inferlog_report_duration_seconds",
    help: "Time to compute and send a report over HTTP, by route and status",
    labelNames: ["route", "status"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120],
    registers,
  });
  for (const result of ["inserted", "duplicate"]) eventsStored.inc({ result }, 0);

  return {
    registry,
    observeRequest(path, method, status, seconds) {
      const route = routeLabel(path);
      const message = method && METRIC_METHODS.has(method) ? method : "other";
      requestDuration.observe({ route, method: message, status: String(status) }, seconds);
      if (REPORT_ROUTES.has(route)) reportDuration.observe({ route, status: String(status) }, seconds);
      // An ingest route's POST refused whole, or a method it does not take (a client misconfigured to PUT).
      const refused = message === "POST" || status === 405;
      const reason = INGEST_ROUTES.has(route) && refused ? REJECTION_REASONS.get(status) : undefined;
      if (reason) requestsRejected.inc({ route, reason });
    },
    rejectEvents(route, reason, count) {
      if (count > 0) eventsRejected.inc({ route: routeLabel(route), reason }, count);
    },
    ignoreFields(route, count) {
      if (count > 0) eventsWithIgnoredFields.inc({ route: routeLabel(route) }, count);
    },
    async timeStoreWrite(events, write) {
      const stop = writeDuration.startTimer();
      try {
        const result = await write();
        stop({ outcome: "ok" });
        writeEvents.observe(events);
        eventsStored.inc({ result: "inserted" }, result.inserted);
        eventsStored.inc({ result: "duplicate" }, result.duplicates);
        return result;
      } catch (error) {
        stop({ outcome: "error" });
        throw error;
      }
    },
  };
}
